// Ctrl-C while teardown() runs: teardown() makes one request (/echo), then sleeps far longer
// than anyone waits. The run must stop at once with what it measured.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = { vus: 1, iterations: 3 };

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
}

export function teardown() {
  http.get(`${__ENV.BASE_URL}/echo`);
  sleep(60);
}
