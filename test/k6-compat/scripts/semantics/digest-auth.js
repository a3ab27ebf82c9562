// HTTP digest authentication as in k6's http_digest_auth example: credentials in the URL and
// auth: 'digest'; a wrong password ends in a 401.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 2 };

const HOST = __ENV.DIGEST_HOST;

export default function () {
  const res = http.get(`http://user:passwd@${HOST}/digest-auth/auth/user/passwd`, { auth: 'digest' });
  check(res, {
    'status is 200': (r) => r.status === 200,
    'is authenticated': (r) => r.json().authenticated === true,
    'is correct user': (r) => r.json().user === 'user',
  });
  const bad = http.get(`http://user:wrong@${HOST}/digest-auth/auth/user/passwd`, { auth: 'digest' });
  check(bad, { 'wrong password is 401': (r) => r.status === 401 });
}
