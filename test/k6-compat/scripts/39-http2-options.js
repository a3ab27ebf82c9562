// HTTP/2 with k6 options that change the connection's life: `noConnectionReuse` (Go's HTTP/2
// transport then uses each connection for one request) and trailers (a HEADERS frame after the
// body), which k6 scripts read with the other headers.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  insecureSkipTLSVerify: true,
  noConnectionReuse: __ENV.REUSE !== '1',
  iterations: 3,
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/`);
  check(res, {
    'status is 200': (r) => r.status === 200,
    'protocol is HTTP/2': (r) => r.proto === 'HTTP/2.0',
    'trailer read': (r) => r.headers['X-Checksum'] === 'c0ffee',
  });
  const responses = http.batch([
    ['GET', `${__ENV.BASE_URL}/a`],
    ['GET', `${__ENV.BASE_URL}/b`],
  ]);
  check(responses, {
    'batch answered over HTTP/2': (rs) => rs.every((r) => r.status === 200 && r.proto === 'HTTP/2.0'),
  });
}
