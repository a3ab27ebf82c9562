// Form bodies as k6 sends them: an array repeats its key, keys sorted, Go's escaping, nested
// objects sent empty (with a warning), null as an empty value; multipart keeps fields.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 1 };

const BASE = __ENV.BASE_URL;

function sent(body) {
  return http.post(`${BASE}/echo`, body).json('body');
}

export default function () {
  check(sent({ topping: ['onion', 'bacon'], size: 'large' }), {
    'array repeats the key, keys sorted': (b) => b === 'size=large&topping=onion&topping=bacon',
  });
  check(sent({ q: 'a b~c*d', 'k y': 'é', n: 3, t: true, z: null }), {
    'escaped as Go url.QueryEscape': (b) => b === 'k+y=%C3%A9&n=3&q=a+b~c%2Ad&t=true&z=',
  });
  check(sent({ user: { name: 'x' }, list: [{ a: 1 }, 'ok'], plain: 'p' }), {
    'nested values are sent empty': (b) => b === 'list=&list=ok&plain=p&user=',
  });
  const res = http.post(`${BASE}/echo`, {
    upload: http.file('hello', 'a.txt', 'text/plain'),
    note: 'n',
  });
  check(res.json('body'), {
    'multipart keeps the field': (b) => b.includes('name="note"\r\n\r\nn\r\n') && b.includes('hello'),
  });
}
