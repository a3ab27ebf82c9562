/**
 * Self-signed certificates for the tests' TLS servers, made with the openssl CLI: one place for
 * the key type, subject and lifetime every TLS test uses.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a certificate is for: its subject CN, optional subjectAltName, RSA (default) or EC key. */
export interface CertificateSpec {
  cn?: string;
  altName?: string;
  ec?: boolean;
}

/** Writes a fresh self-signed certificate valid for one day into `dir`; returns the file paths. */
export function writeSelfSignedCertificate(
  dir: string,
  spec: CertificateSpec = {},
  name = '',
): { certPath: string; keyPath: string } {
  const certPath = join(dir, `${name}cert.pem`);
  const keyPath = join(dir, `${name}key.pem`);
  const key = spec.ec
    ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']
    : ['-newkey', 'rsa:2048'];
  const alt = spec.altName ? ['-addext', `subjectAltName=${spec.altName}`] : [];
  execFileSync(
    'openssl',
    ['req', '-x509', ...key, '-nodes', '-days', '1', '-subj', `/CN=${spec.cn ?? 'localhost'}`]
      .concat(alt)
      .concat(['-keyout', keyPath, '-out', certPath]),
    { stdio: 'ignore' },
  );
  return { certPath, keyPath };
}

/** A fresh self-signed certificate and key in memory (the files are removed). */
export function selfSignedCertificate(spec: CertificateSpec = {}): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'redline-cert-'));
  try {
    const { certPath, keyPath } = writeSelfSignedCertificate(dir, spec);
    return { key: readFileSync(keyPath), cert: readFileSync(certPath) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
