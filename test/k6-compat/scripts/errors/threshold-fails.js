// A threshold that fails (exit code 99) next to one that passes; the summary marks both.
import http from 'k6/http';

export const options = {
  vus: 1,
  iterations: 3,
  thresholds: { http_req_failed: ['rate<0.1'], http_reqs: ['count==3'] },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/status/500`);
}
