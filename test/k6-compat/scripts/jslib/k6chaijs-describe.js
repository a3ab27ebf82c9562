// k6chaijs as its documentation shows it, unchanged: requests inside describe(), expect() on
// their responses, a failed assertion and an unexpected exception that fail only their describe.
import http from 'k6/http';
import { check } from 'k6';
import chai, { describe, expect } from 'https://jslib.k6.io/k6chaijs/4.3.4.3/index.js';

const BASE = __ENV.BASE_URL;
chai.config.logFailures = __ENV.LOG_FAILURES === '1';

export const options = { vus: 1, iterations: 2 };

export default function () {
  const fetched = describe('fetch', () => {
    const res = http.get(`${BASE}/json`);
    expect(res.status, 'status').to.equal(200);
    expect(res).to.have.validJsonBody();
    expect(res.json().items.length, 'number of items').to.be.above(1);
    expect(res.json('user.name')).to.equal('Ada');
  });
  const failed = describe('failing', () => {
    const res = http.get(`${BASE}/status/404`);
    expect(res.status, 'status').to.equal(200);
    http.get(`${BASE}/ok`, { tags: { name: 'after-failed-expect' } });
  });
  const raised = describe('exception', () => {
    const res = http.get(`${BASE}/ok`);
    res.json();
  });
  const plain = describe('no requests', () => {
    expect(10).to.be.within(8, 12);
    expect({ a: 1 }).to.not.have.property('b');
  });
  check(null, {
    'describe() results': () =>
      fetched === true && failed === false && raised === false && plain === true,
  });
  http.get(`${BASE}/ok`, { tags: { name: 'after-describes' } });
}
