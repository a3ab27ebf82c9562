// HTTP/2, k6 documentation style: k6 negotiates HTTP/2 over TLS by itself (ALPN) and reports it
// in `res.proto` and the `proto` tag. http.batch() multiplexes its requests on the VU's connection.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  insecureSkipTLSVerify: true,
  iterations: 4,
  thresholds: {
    'http_reqs{proto:HTTP/2.0}': ['count>=16'],
    'http_req_duration{proto:HTTP/2.0}': ['p(95)<5000'],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/`);
  check(res, {
    'status is 200': (r) => r.status === 200,
    'protocol is HTTP/2': (r) => r.proto === 'HTTP/2.0',
    'body': (r) => r.body === 'hello h2',
    'content-type header': (r) => r.headers['Content-Type'] === 'text/plain',
  });
  const responses = http.batch([
    ['GET', `${__ENV.BASE_URL}/a`],
    ['GET', `${__ENV.BASE_URL}/b`],
    ['POST', `${__ENV.BASE_URL}/c`, JSON.stringify({ x: 1 }), { headers: { 'Content-Type': 'application/json' } }],
  ]);
  check(responses, {
    'batch answered over HTTP/2': (rs) => rs.every((r) => r.status === 200 && r.proto === 'HTTP/2.0'),
  });
}
