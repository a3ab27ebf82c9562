// The init code throws in one VU only (VU 3): the run stops before the test, as in k6.
import { check } from 'k6';
if (__VU === 3) throw new Error('no token for VU 3');
export const options = { vus: 4, iterations: 8 };
export default function () {
  check(null, { ran: () => true });
}
