// The benchmarks' self-signed certificates (TLS targets, the k6 corpus emulator), made with the
// openssl CLI: one place for the key type, subject and lifetime. The tests have their own
// TypeScript twin in test/helpers/certificates.ts (bench scripts run as plain .mjs).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Writes a fresh self-signed certificate valid for one day into `dir` (cert.pem, key.pem):
 * subject CN `cn` (localhost), an optional subjectAltName (`DNS:a,IP:127.0.0.1`), an RSA-2048
 * key or, with `ec`, a P-256 one. Returns the file paths.
 */
export function writeSelfSignedCertificate(dir, { cn = 'localhost', altName, ec = false } = {}) {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const key = ec
    ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']
    : ['-newkey', 'rsa:2048'];
  const alt = altName ? ['-addext', `subjectAltName=${altName}`] : [];
  execFileSync(
    'openssl',
    ['req', '-x509', ...key, '-nodes', '-days', '1', '-subj', `/CN=${cn}`, ...alt].concat([
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]),
    { stdio: 'ignore' },
  );
  return { certPath, keyPath };
}
