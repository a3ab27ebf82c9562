// A request in the init context: not allowed (k6 neither), a clear error with exit code 107.
import http from 'k6/http';

const warmup = http.get(`${__ENV.BASE_URL}/ok`);

export default function () {
  http.get(`${__ENV.BASE_URL}/ok?${warmup.status}`);
}
