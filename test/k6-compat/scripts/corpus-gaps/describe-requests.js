// k6chaijs' pattern: requests inside describe(). Refused precisely (not supported yet).
import http from 'k6/http';
import { describe } from 'https://modules.example.test/describe-lib.js';

export default function () {
  describe('crocodiles', () => {
    http.get(`${__ENV.BASE_URL}/ok`);
  });
}
