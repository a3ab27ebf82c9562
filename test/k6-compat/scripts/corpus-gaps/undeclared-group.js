// group() and check() used without importing them (seen in public scripts): in k6 every iteration
// throws "ReferenceError: group is not defined" before any request; the transform must not refuse
// the script over the callback it never gets to run.
import http from 'k6/http';
import { sleep } from 'k6';

export default function () {
  group('never runs', function () {
    const res = http.get(`${__ENV.BASE_URL}/ok`);
    sleep(0.01);
    check(res, { 'status is 200': (r) => r.status === 200 });
  });
}
