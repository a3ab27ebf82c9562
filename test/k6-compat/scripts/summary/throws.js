// handleSummary() throws: the error is shown, the default summary printed, and the exit code is
// the run's (0 here, 99 with FAIL=1 and its failing threshold), as k6 keeps it.
import http from 'k6/http';

export const options = {
  iterations: 3,
  thresholds: { http_reqs: [__ENV.FAIL ? 'count>1000' : 'count>0'] },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
}

function render(data) {
  return data.metrics.no_such_metric.values.count;
}

export function handleSummary(data) {
  return { stdout: `never printed ${render(data)}` };
}
