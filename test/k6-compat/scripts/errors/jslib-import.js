// A remote jslib module: Redline does not fetch modules from the network.
import http from 'k6/http';
import { randomItem } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';

export default function () {
  http.get(randomItem(['http://127.0.0.1:1/']));
}
