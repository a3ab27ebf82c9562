// Module state of a local module: each VU has its own copy (per-VU init).
let calls = 0;
export function bump() {
  calls++;
  return calls;
}
