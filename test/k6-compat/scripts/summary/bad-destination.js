// handleSummary() returns a file that cannot be written: that one is reported, the other
// destinations are still written and the exit code stays the run's (as k6).
import http from 'k6/http';

export const options = { iterations: 2 };

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
}

export function handleSummary(data) {
  return {
    [`${__ENV.OUT_DIR}/no-such-folder/summary.json`]: JSON.stringify(data),
    stdout: `custom summary: ${data.metrics.http_reqs.values.count} requests\n`,
  };
}
