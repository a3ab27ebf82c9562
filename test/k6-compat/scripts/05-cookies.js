// Cookies: Set-Cookie stored in the VU jar and sent back, response.cookies, per-request cookies (replace or not), jar.set/cookiesForURL/delete/clear, a private jar, and the reset between iterations.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 3 };

export default function () {
  const base = __ENV.BASE_URL;
  check(http.get(`${base}/cookies`), { 'jar empty at iteration start': (r) => Object.keys(r.json()).length === 0 });
  const set = http.get(`${base}/set-cookie?session=abc&theme=dark`);
  check(set, {
    'response.cookies': (r) => r.cookies.session[0].value === 'abc' && r.cookies.theme[0].value === 'dark',
  });
  check(http.get(`${base}/cookies`), { 'jar sends cookies back': (r) => r.json('session') === 'abc' && r.json('theme') === 'dark' });
  const jar = http.cookieJar();
  check(jar.cookiesForURL(base), { 'cookiesForURL': (c) => c.session[0] === 'abc' });
  jar.set(base, 'manual', 'm1');
  check(http.get(`${base}/cookies`), { 'jar.set is sent': (r) => r.json('manual') === 'm1' });
  const overridden = http.get(`${base}/cookies`, { cookies: { session: 'override', extra: { value: 'x', replace: false }, theme: { value: 'light', replace: false } } });
  check(overridden, {
    'request cookie replaces jar cookie': (r) => r.json('session') === 'override',
    'replace:false keeps jar cookie': (r) => r.json('theme') === 'dark' && r.json('extra') === 'x',
  });
  jar.delete(base, 'manual');
  check(http.get(`${base}/cookies`), { 'jar.delete': (r) => r.json('manual') === undefined && r.json('session') === 'abc' });
  const own = new http.CookieJar();
  own.set(base, 'private', 'p');
  check(http.get(`${base}/cookies`, { jar: own }), { 'private jar': (r) => r.json('private') === 'p' && r.json('session') === undefined });
  jar.clear(base);
  check(http.get(`${base}/cookies`), { 'jar.clear': (r) => Object.keys(r.json()).length === 0 });
  http.get(`${base}/set-cookie?left=over`);
}
