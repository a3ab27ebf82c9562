// One TLS handshake per connection, whatever ALPN chose: the VUs (all starting at once) offer h2
// and http/1.1, as k6 does, and count the connections their requests made (a request that made
// one reports its connecting and TLS handshaking time). The test compares that count with the
// handshakes the server saw, for a server that answers h2 and one that only speaks HTTP/1.1.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const tlsConnections = new Counter('tls_connections');
const tcpConnections = new Counter('tcp_connections');

export const options = {
  insecureSkipTLSVerify: true,
  scenarios: {
    together: {
      executor: 'per-vu-iterations',
      vus: Number(__ENV.VUS || 6),
      iterations: 3,
      maxDuration: '60s',
    },
  },
};

function counted(r) {
  if (r.timings.tls_handshaking > 0) tlsConnections.add(1);
  if (r.timings.connecting > 0) tcpConnections.add(1);
  return r;
}

export default function () {
  const res = counted(http.get(`${__ENV.BASE_URL}/`));
  check(res, {
    'status is 200': (r) => r.status === 200,
    'negotiated protocol': (r) => r.proto === __ENV.PROTO,
  });
  const responses = http.batch([
    ['GET', `${__ENV.BASE_URL}/a`],
    ['GET', `${__ENV.BASE_URL}/b`],
  ]).map(counted);
  check(responses, {
    'batch answered': (rs) => rs.every((r) => r.status === 200 && r.proto === __ENV.PROTO),
  });
}
