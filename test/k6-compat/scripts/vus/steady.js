// A steady 3-VU test: the vus gauge is what the test ran with, so `value>2` holds (k6 samples
// vus while the test runs; the drain after the end is not a value of the test).
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  vus: 3,
  duration: '2s',
  thresholds: { vus: ['value>2'], vus_max: ['value==3'] },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
  sleep(0.1);
}
