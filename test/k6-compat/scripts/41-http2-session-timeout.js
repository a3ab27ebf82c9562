// HTTP/2, a session that never comes up: the server accepts the TCP connection and never answers
// the TLS handshake, or refuses the client's (missing) certificate. The request waits for its
// session, and must still end: `timeout` elapsed (k6 error code 1050) or the TLS error, and the
// iteration goes on to its check (it is not left waiting until the test's end).
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  insecureSkipTLSVerify: true,
  // Bounded: without an end for the request the iteration would be cut here, not counted.
  scenarios: {
    once: { executor: 'shared-iterations', vus: 1, iterations: 1, maxDuration: '20s' },
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/`, { timeout: __ENV.TIMEOUT || '1s' });
  check(res, {
    'failed without a response': (r) => r.status === 0,
    [`error code ${__ENV.CODE}`]: (r) => String(r.error_code) === __ENV.CODE,
  });
}
