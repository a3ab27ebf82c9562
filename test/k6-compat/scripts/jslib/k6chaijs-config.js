// k6chaijs' settings: checks named per value (aggregateChecks off), anonymized values,
// validJsonBody() on a body that is not JSON, and exitOnError, which aborts the whole test at the
// first failed expectation.
import http from 'k6/http';
import chai, { describe, expect } from 'https://jslib.k6.io/k6chaijs/4.5.0.1/index.js';

chai.config.aggregateChecks = false;
chai.config.exitOnError = __ENV.EXIT_ON_ERROR === '1';

export const options = { vus: 1, iterations: 3 };

export default function () {
  describe('token', () => {
    const res = http.get(`${__ENV.BASE_URL}/json`);
    expect(res.status, 'status').to.equal(200);
    expect('secret-token').anonymize().to.be.a('string');
    expect(res.json('user.roles').length, 'roles').to.equal(3);
  });
  describe('plain text', () => {
    expect(http.get(`${__ENV.BASE_URL}/ok`)).to.have.validJsonBody();
  });
}
