// options.stages (the ramping-vus shortcut) with the founding brief's shape ([ref: load-test-plan]): VUs ramp up and down and the run ends.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  stages: [
    { duration: '600ms', target: 4 },
    { duration: '600ms', target: 4 },
    { duration: '400ms', target: 0 },
  ],
  thresholds: { vus_max: ['value>=3'], http_req_failed: ['rate==0'] },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
  sleep(0.1);
}
