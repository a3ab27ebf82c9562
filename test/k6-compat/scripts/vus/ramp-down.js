// Ramping VUs up to 4 and back down to 0: the last value is 0, the schedule's own end (also when a
// busy machine ticks late and the VUs leave during the graceful stop), the peak 4.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  stages: [
    { duration: '1s', target: 4 },
    { duration: '1s', target: 0 },
  ],
  thresholds: { vus: ['value==0'] },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
  sleep(0.1);
}
