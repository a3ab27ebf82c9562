// Invalid options: an unknown executor and a threshold aggregation a trend does not have (exit code 104).
import http from 'k6/http';

export const options = {
  scenarios: { s: { executor: 'constant-vu', vus: 1, duration: '1s' } },
  thresholds: { http_req_duration: ['count<10'] },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
}
