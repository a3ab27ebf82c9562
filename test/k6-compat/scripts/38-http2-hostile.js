// HTTP/2 failures a script sees: a stream reset by the server (RST_STREAM CANCEL: status 0,
// error_code 1639 = k6's 1631 + CANCEL) and a GOAWAY in the middle of a batch (the streams above
// its last stream id are resent on a new connection: every response arrives).
import http from 'k6/http';
import { check } from 'k6';

export const options = { insecureSkipTLSVerify: true, iterations: __ENV.MODE === 'rst' ? 6 : 1 };

export default function () {
  if (__ENV.MODE === 'rst') {
    const res = http.get(`${__ENV.BASE_URL}/`);
    check(res, {
      'answered or reset': (r) =>
        (r.status === 200 && r.proto === 'HTTP/2.0') || (r.status === 0 && r.error_code === 1639),
      'reset': (r) => r.error_code === 1639 && /RST_STREAM CANCEL/.test(r.error),
    });
    return;
  }
  const responses = http.batch([1, 2, 3, 4, 5].map((i) => ['GET', `${__ENV.BASE_URL}/${i}`]));
  check(responses, {
    'all answered after GOAWAY': (rs) => rs.every((r) => r.status === 200 && r.proto === 'HTTP/2.0'),
  });
}
