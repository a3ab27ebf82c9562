// response.submitForm() on a page without a form throws, as in k6: each iteration fails with
// an error naming the selector and the page, at this line; the test goes on.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 2 };

export default function () {
  const title = res().submitForm().json('title');
  check(title, { 'never reached': () => true });
}

function res() {
  return http.get(`${__ENV.BASE_URL}/ok`);
}
