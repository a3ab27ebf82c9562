// k6's HTTP/2 example (docs: examples/http2): one GET over https, checked for status 200 and
// `r.proto === 'HTTP/2.0'`. Only the URL differs from the documentation.
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get('https://quickpizza.grafana.com');
  check(res, {
    'status is 200': (r) => r.status === 200,
    'protocol is HTTP/2': (r) => r.proto === 'HTTP/2.0',
  });
}
