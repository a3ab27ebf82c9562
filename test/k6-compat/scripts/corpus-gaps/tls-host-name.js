// A production https URL sent to a local TLS server with --host https://name=https://address:
// TLS names and verifies the script's host (as k6's hosts option), not the address.
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get('https://api.corpus.test/ok');
  check(res, {
    'status is 200': (r) => r.status === 200,
    'over TLS': (r) => typeof r.tls_version === 'string' && r.tls_version.startsWith('tls1.'),
  });
}
