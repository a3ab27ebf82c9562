// k6chaijs copied into a module of its own (not the jslib URL Redline serves natively): requests
// inside its describe() are refused precisely.
import http from 'k6/http';
import { describe } from 'https://modules.example.test/describe-lib.js';

export default function () {
  describe('crocodiles', () => {
    http.get(`${__ENV.BASE_URL}/ok`);
  });
}
