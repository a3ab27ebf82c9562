// k6's TLS options: tlsVersion (pinned to TLS 1.2), tlsCipherSuites (Go names) and tlsAuth
// (a client certificate read with open()); the server reports what it negotiated.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  vus: 1,
  iterations: 2,
  insecureSkipTLSVerify: true,
  tlsVersion: { min: 'tls1.2', max: 'tls1.2' },
  tlsCipherSuites: ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'],
  tlsAuth: [{ domains: ['127.0.0.1'], cert: open(__ENV.CLIENT_CERT), key: open(__ENV.CLIENT_KEY) }],
};

export default function () {
  const res = http.get(__ENV.TLS_URL);
  check(res.json(), {
    'TLS 1.2 negotiated': (j) => j.protocol === 'TLSv1.2',
    'the chosen cipher suite': (j) => j.cipher === 'ECDHE-RSA-AES256-GCM-SHA384',
    'client certificate presented': (j) => j.client === 'redline-client',
  });
  check(res, {
    'tls_version as k6 names it': (r) => r.tls_version === 'tls1.2',
    'tls_cipher_suite as k6 names it': (r) => r.tls_cipher_suite === 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    // The test server staples nothing: k6 reads status "unknown".
    'ocsp without a stapled response is unknown': (r) =>
      r.ocsp.status === http.OCSP_STATUS_UNKNOWN && r.ocsp.produced_at === 0,
  });
}
