// Expected statuses: the default 200-399 rule, setResponseCallback(expectedStatuses(...)) in the init context, a per-request responseCallback, and thresholds on http_req_failed / http_req_duration sub-metrics by status, name and expected_response.
import http from 'k6/http';
import { check } from 'k6';

http.setResponseCallback(http.expectedStatuses(200, 201, { min: 400, max: 404 }));

export const options = {
  vus: 1,
  iterations: 4,
  thresholds: {
    http_req_failed: ['rate<0.5'],
    'http_req_failed{status:404}': ['rate==0'],
    'http_req_failed{status:500}': ['rate==1'],
    'http_req_failed{name:tolerated}': ['rate==0'],
    'http_reqs{expected_response:false}': ['count==4'],
    'http_req_duration{expected_response:true}': ['max<5000'],
    'http_req_duration{name:home}': ['p(99)<5000'],
  },
};

export default function () {
  const base = __ENV.BASE_URL;
  http.get(`${base}/ok`, { tags: { name: 'home' } });
  check(http.get(`${base}/status/404`), { 'a 404 is expected here': (r) => r.status === 404 });
  http.get(`${base}/status/500`);
  http.get(`${base}/status/503`, { responseCallback: http.expectedStatuses(503), tags: { name: 'tolerated' } });
}
