// http.url`...` groups dynamic URLs under one name tag; an explicit name tag does the same; thresholds on the name.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  vus: 1,
  iterations: 4,
  thresholds: {
    'http_reqs{name:${}/status/${}}': ['count==4'],
    'http_reqs{name:items-by-id}': ['count==4'],
  },
};

export default function () {
  const base = __ENV.BASE_URL;
  const code = 200 + __ITER;
  check(http.get(http.url`${base}/status/${code}`), { 'templated url sent': (r) => r.status === code });
  http.get(`${base}/echo?id=${__ITER}`, { tags: { name: 'items-by-id' } });
}
