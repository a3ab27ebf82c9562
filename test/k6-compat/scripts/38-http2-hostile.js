// HTTP/2 failures a script sees: a stream reset by the server (RST_STREAM CANCEL: status 0,
// error_code 1639 = k6's 1631 + CANCEL) and a GOAWAY in the middle of a batch (the streams above
// its last stream id are resent on a new connection: every response arrives); MODE=hang: a server
// that never answers, for Ctrl-C.
import http from 'k6/http';
import { check } from 'k6';

export const options =
  __ENV.MODE === 'hang'
    ? { insecureSkipTLSVerify: true, vus: 2, duration: '30s' }
    : { insecureSkipTLSVerify: true, iterations: __ENV.MODE === 'rst' ? 6 : 1 };

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
  if (__ENV.MODE === 'hang') {
    // A server that never answers: Ctrl-C cuts the three streams of each VU's batch.
    http.batch([1, 2, 3].map((i) => ['GET', `${__ENV.BASE_URL}/${i}`]));
    return;
  }
  const responses = http.batch([1, 2, 3, 4, 5].map((i) => ['GET', `${__ENV.BASE_URL}/${i}`]));
  check(responses, {
    'all answered after GOAWAY': (rs) => rs.every((r) => r.status === 200 && r.proto === 'HTTP/2.0'),
  });
}
