// A threshold key with no threshold (`[]`) makes k6 keep that sub-metric and list it in the
// summary and in handleSummary's data.metrics: the usual way to see a tagged slice of a metric.
import http from 'k6/http';
import { Counter } from 'k6/metrics';

const outcomes = new Counter('outcomes');

export const options = {
  vus: 1,
  iterations: 3,
  thresholds: {
    'http_reqs{name:ok}': [],
    'outcomes{kind:good}': [],
    'outcomes{kind:never}': [],
    'http_req_duration{status:200}': ['max>=0'],
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`, { tags: { name: 'ok' } });
  http.get(`${__ENV.BASE_URL}/ok`, { tags: { name: 'other' } });
  outcomes.add(1, { kind: 'good' });
  outcomes.add(2, { kind: 'bad' });
}
