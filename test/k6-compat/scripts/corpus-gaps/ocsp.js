// response.ocsp as k6 reads it: the stapled OCSP response of the TLS server (grafana/k6's
// examples/ocsp.js checks r.ocsp.status === http.OCSP_STATUS_GOOD).
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get('https://api.corpus.test/ok');
  check(res, {
    'is OCSP response good': (r) => r.ocsp.status === http.OCSP_STATUS_GOOD,
    'OCSP times': (r) => r.ocsp.produced_at === 1764583200 && r.ocsp.next_update === 1765184400,
    'OCSP revocation fields as k6': (r) => r.ocsp.revocation_reason === 'unspecified',
  });
  const plain = http.get(`${__ENV.BASE_URL}/ok`);
  check(plain, { 'plain HTTP has no OCSP status': (r) => r.ocsp.status === '' });
}
