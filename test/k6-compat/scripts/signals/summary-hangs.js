// A handleSummary() that never returns: after the first Ctrl-C the run waits for it, so a second
// Ctrl-C is what ends the process (what was measured must still be written).
import http from 'k6/http';
import { sleep } from 'k6';
import { setTimeout } from 'k6/timers';

export const options = { vus: 2, duration: '30s' };

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
  sleep(0.05);
}

export async function handleSummary() {
  await new Promise((resolve) => setTimeout(resolve, 60_000));
  return {};
}
