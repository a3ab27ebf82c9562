// insecureSkipTLSVerify: an HTTPS server with a self-signed certificate is reachable only with the option; TLS fields of the response and of the timings.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 2, insecureSkipTLSVerify: __ENV.INSECURE === '1' };

export default function () {
  const res = http.get(`${__ENV.TLS_URL}/ok`);
  check(res, {
    'tls request ok': (r) => r.status === 200 && r.body === 'ok',
    'tls error when verifying': (r) => r.status === 0 && r.error_code > 0,
  });
}
