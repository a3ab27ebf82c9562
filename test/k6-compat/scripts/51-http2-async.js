// HTTP/2 with k6's async API: a VU's concurrent http.asyncRequest calls are streams on its one connection, in flight together.
import http from 'k6/http';
import { check } from 'k6';

export const options = { insecureSkipTLSVerify: true, iterations: 2 };

export default async function () {
  const responses = await Promise.all(
    [1, 2, 3, 4].map((i) => http.asyncRequest('GET', `${__ENV.BASE_URL}/${i}`)),
  );
  check(responses, {
    'all answered over HTTP/2': (rs) => rs.every((r) => r.status === 200 && r.proto === 'HTTP/2.0'),
  });
}
