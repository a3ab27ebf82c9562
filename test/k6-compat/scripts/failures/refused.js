// Every iteration: one request to a closed port (refused: no HTTP response) and one that works.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = { vus: 2, duration: '3s' };

export default function () {
  http.get(`http://127.0.0.1:${__ENV.CLOSED_PORT}/down`);
  http.get(`${__ENV.BASE_URL}/ok`);
  sleep(0.05);
}
