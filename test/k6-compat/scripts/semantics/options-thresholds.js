// k6 command-line settings and unknown names in options are ignored with a warning (as k6), and
// thresholds on metrics or sub-metrics without samples are judged as k6 judges an empty metric.
import http from 'k6/http';
import { Counter, Rate } from 'k6/metrics';

const never = new Counter('never_counter');
const neverRate = new Rate('never_rate');

export const options = {
  vus: 1,
  iterations: 2,
  logOutput: 'stdout',
  logFormat: 'json',
  myAppConfig: { retries: 3 },
  thresholds: {
    'http_req_duration{status:500}': ['p(95)<100'],
    'http_req_duration{name:nothing}': ['avg>0'],
    never_counter: ['count<1'],
    never_rate: ['rate>0.5'],
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
  if (__ITER > 100) {
    never.add(1);
    neverRate.add(true);
  }
}
