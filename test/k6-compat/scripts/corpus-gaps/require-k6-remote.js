// A remote CommonJS module that does require('k6/http') and patches http.get, as
// https://jslib.k6.io/http-instrumentation-tempo/ does.
import http from 'k6/http';
import { check } from 'k6';
import { hasExec, instrumentHTTP } from 'https://modules.example.test/instrument.js';

instrumentHTTP('yes');

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/echo`);
  check(res, {
    'header added by the patched http.get': (r) => r.json().headers['x-instrumented'] === 'yes',
    'require("k6/execution") works': () => hasExec === true,
  });
}
