// A remote module that cannot be fetched (nothing listens on port 1; jslib's k6-utils itself is served natively).
import http from 'k6/http';
import { randomItem } from 'https://127.0.0.1:1/k6-utils/1.4.0/index.js';

export default function () {
  http.get(randomItem(['http://127.0.0.1:1/']));
}
