/**
 * k6's TLS options (`tlsVersion`, `tlsCipherSuites`, `tlsAuth`) read into what node:tls takes:
 * version names (`tls1.2` -> `TLSv1.2`), Go's cipher-suite names mapped to OpenSSL's, and client
 * certificates. As in Go (which k6 uses), the TLS 1.3 suites cannot be restricted: naming them
 * is accepted and changes nothing, and TLS 1.3 keeps its default suites.
 */
import type { InputPath, InputProblems } from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';
import { findNearest } from '../util/nearest.js';

/** A client certificate (k6 `tlsAuth` entry): PEM strings, e.g. from `open()`. */
export interface TlsClientCertificate {
  /** Host names it is meant for (k6: informational; Redline prefers it for these hosts). */
  domains: string[];
  cert: string;
  key: string;
  password?: string;
}

/** The TLS settings of a run, in node:tls terms. */
export interface TlsOptions {
  minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher list for TLS 1.2 and below (undefined: Node's defaults). */
  ciphers?: string;
  clientCertificates: TlsClientCertificate[];
}

const VERSIONS: Readonly<Record<string, NonNullable<TlsOptions['minVersion']>>> = {
  'tls1.0': 'TLSv1',
  'tls1.1': 'TLSv1.1',
  'tls1.2': 'TLSv1.2',
  'tls1.3': 'TLSv1.3',
};

/** k6's (Go's) cipher-suite names for TLS 1.0-1.2 and their OpenSSL names. */
const CIPHER_SUITES: Readonly<Record<string, string>> = {
  TLS_RSA_WITH_RC4_128_SHA: 'RC4-SHA',
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: 'ECDHE-ECDSA-RC4-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: 'ECDHE-RSA-RC4-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
};

/** TLS 1.3 suites k6 accepts; Go cannot restrict them, so they are accepted and ignored. */
const TLS13_SUITES = new Set([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
]);

function readVersion(
  value: unknown,
  path: InputPath,
  problems: InputProblems,
): TlsOptions['minVersion'] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const version = typeof value === 'string' ? VERSIONS[value] : undefined;
  if (!version)
    problems.add(
      path,
      `unknown TLS version ${JSON.stringify(value)} (use ${Object.keys(VERSIONS).join(', ')})`,
      {
        suggestion:
          typeof value === 'string' ? findNearest(value, Object.keys(VERSIONS)) : undefined,
      },
    );
  return version;
}

/** Reads `tlsVersion`, `tlsCipherSuites` and `tlsAuth`; undefined when none is set. */
export function readTlsOptions(
  values: Readonly<Record<string, unknown>>,
  pathOf: (key: string) => InputPath,
  problems: InputProblems,
): TlsOptions | undefined {
  const version = values['tlsVersion'];
  const suites = values['tlsCipherSuites'];
  const auth = values['tlsAuth'];
  if (version == null && suites == null && auth == null) return undefined;
  const tls: TlsOptions = { clientCertificates: [] };
  if (isRecord(version)) {
    const v = version;
    for (const key of Object.keys(v))
      if (key !== 'min' && key !== 'max')
        problems.unknownKey([...pathOf('tlsVersion'), key], 'field', ['min', 'max'], 'tlsVersion');
    const min = readVersion(v['min'], [...pathOf('tlsVersion'), 'min'], problems);
    const max = readVersion(v['max'], [...pathOf('tlsVersion'), 'max'], problems);
    if (min) tls.minVersion = min;
    if (max) tls.maxVersion = max;
  } else {
    const only = readVersion(version, pathOf('tlsVersion'), problems);
    if (only) tls.minVersion = tls.maxVersion = only;
  }
  if (suites != null) {
    if (!Array.isArray(suites)) {
      problems.add(pathOf('tlsCipherSuites'), 'must be a list of cipher-suite names');
    } else {
      const names: string[] = [];
      for (const [index, suite] of suites.entries()) {
        const name = typeof suite === 'string' ? CIPHER_SUITES[suite] : undefined;
        if (name) names.push(name);
        else if (!(typeof suite === 'string' && TLS13_SUITES.has(suite)))
          problems.add(
            [...pathOf('tlsCipherSuites'), index],
            `unknown cipher suite ${JSON.stringify(suite)} (k6's names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)`,
            {
              suggestion:
                typeof suite === 'string'
                  ? findNearest(suite, [...Object.keys(CIPHER_SUITES), ...TLS13_SUITES])
                  : undefined,
            },
          );
      }
      if (names.length > 0) tls.ciphers = names.join(':');
    }
  }
  if (auth != null) {
    if (!Array.isArray(auth)) problems.add(pathOf('tlsAuth'), 'must be a list of {cert, key}');
    else
      auth.forEach((entry, i) => {
        const path = [...pathOf('tlsAuth'), i];
        const e = isRecord(entry) ? entry : {};
        if (typeof e['cert'] !== 'string' || typeof e['key'] !== 'string') {
          problems.add(path, 'needs "cert" and "key" as PEM text (e.g. open("./client.pem"))');
          return;
        }
        const domains = Array.isArray(e['domains'])
          ? e['domains'].filter((d): d is string => typeof d === 'string')
          : [];
        tls.clientCertificates.push({
          domains,
          cert: e['cert'],
          key: e['key'],
          ...(typeof e['password'] === 'string' ? { password: e['password'] } : {}),
        });
      });
  }
  return tls;
}

/**
 * The client certificate to present to `host`: the first whose `domains` name it (exactly or
 * as `*.parent`), else the first one (Go's client, in k6, offers its first certificate).
 */
export function clientCertificateFor(
  tls: TlsOptions | undefined,
  host: string,
): TlsClientCertificate | undefined {
  const certs = tls?.clientCertificates ?? [];
  return (
    certs.find((c) =>
      c.domains.some((d) => d === host || (d.startsWith('*.') && host.endsWith(d.slice(1)))),
    ) ?? certs[0]
  );
}
