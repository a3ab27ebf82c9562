// A blocking call inside a check() callback cannot be awaited: the transform refuses it with file:line.
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  check(null, {
    'fetches inside the check': () => http.get(`${__ENV.BASE_URL}/ok`).status === 200,
  });
}
