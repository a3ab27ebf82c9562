// Ctrl-C while setup() runs: setup() makes one request (/json), then sleeps far longer than
// anyone waits. The run must stop at once and report that request.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = { vus: 2, duration: '10s' };

export function setup() {
  http.get(`${__ENV.BASE_URL}/json`);
  sleep(60);
  return { ready: true };
}

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
  sleep(0.1);
}
