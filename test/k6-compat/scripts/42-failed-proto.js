// A failed request has no protocol, as in k6: `res.proto` is '' (k6 sets it from the response,
// and a failed request has none) and its samples carry no `proto` tag, whether it failed before
// the protocol was negotiated (refused, TLS error) or after (RST_STREAM, GOAWAY, reset mid-body,
// timeout), alone or in http.batch. Answered requests keep theirs (PROTO: HTTP/2.0 or HTTP/1.1).
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  insecureSkipTLSVerify: __ENV.VERIFY !== '1',
  scenarios: {
    once: { executor: 'shared-iterations', vus: 1, iterations: 1, maxDuration: '20s' },
  },
};

export default function () {
  const params = { timeout: __ENV.TIMEOUT || '10s' };
  const one = http.get(`${__ENV.BASE_URL}/one`, params);
  const batch = http.batch([1, 2, 3].map((i) => ['GET', `${__ENV.BASE_URL}/b${i}`, null, params]));
  for (const r of [one, ...batch]) {
    if (r.status === 0) {
      check(r, {
        'failed: proto is empty': (x) => x.proto === '',
        'failed: error code set': (x) => x.error_code > 0 && x.error !== '',
      });
    } else {
      check(r, { 'answered: proto of the response': (x) => x.proto === __ENV.PROTO });
    }
  }
}
