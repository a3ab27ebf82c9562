// jar.set() with a domain, as k6's Go cookie jar accepts it (httpbin.org is not refused as a
// public suffix); a cookie for a foreign domain is not stored, with a warning.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 2 };

export default function () {
  const jar = http.cookieJar();
  jar.set('https://httpbin.org/cookies', 'session', 'abc', { domain: 'httpbin.org' });
  jar.set('https://httpbin.org/cookies', 'wide', 'w', { domain: '.httpbin.org', path: '/' });
  jar.set('https://httpbin.org/cookies', 'foreign', 'f', { domain: 'example.org' });
  const res = http.get('https://httpbin.org/cookies');
  check(res.json(), {
    'domain cookie sent': (c) => c.session === 'abc',
    'leading-dot domain cookie sent': (c) => c.wide === 'w',
    'foreign domain not stored': (c) => c.foreign === undefined,
  });
  check(jar.cookiesForURL('https://sub.httpbin.org/'), {
    'domain cookies reach sub-domains': (c) => c.session[0] === 'abc' && c.wide[0] === 'w',
  });
}
