// Two scenarios: 2 VUs for 1 s, then 3 VUs alone until 4 s. The last value is 3 (the first
// scenario has ended), the peak 5.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  scenarios: {
    short: { executor: 'constant-vus', vus: 2, duration: '1s', gracefulStop: '0s' },
    long: { executor: 'constant-vus', vus: 3, duration: '4s' },
  },
  thresholds: { vus: ['value==3'] },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
  sleep(0.1);
}
