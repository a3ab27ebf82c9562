// k6 scripts read k6/http's constants from the default export: `r.tls_version === http.TLS_1_2`.
import http, { TLS_1_3 } from 'k6/http';
import { check } from 'k6';

export default function () {
  check(http, {
    'TLS constants on the default export': (h) =>
      h.TLS_1_0 === 'tls1.0' && h.TLS_1_2 === 'tls1.2' && h.TLS_1_3 === TLS_1_3,
    'OCSP constants on the default export': (h) =>
      h.OCSP_STATUS_GOOD === 'good' && h.OCSP_STATUS_REVOKED === 'revoked',
  });
}
