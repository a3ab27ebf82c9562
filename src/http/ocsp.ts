/**
 * Reads a stapled OCSP response (DER, RFC 6960) into k6's `response.ocsp` fields, as k6 does with
 * Go's x/crypto/ocsp without an issuer: the status of the single certificate the response is
 * about, its times and revocation reason. The responder's signature is not checked (k6 does not
 * check it either without an issuer). Anything that is not one successful basic response with
 * exactly one certificate status reads as undefined (k6 then reports status "unknown").
 */

/** k6's `response.ocsp` object. */
export interface OcspInfo {
  produced_at: number;
  this_update: number;
  next_update: number;
  revoked_at: number;
  revocation_reason: string;
  status: string;
}

/** Go's `time.Time{}.Unix()`: what k6 reports for a time the response does not carry. */
export const ZERO_TIME_UNIX = -62135596800;

const REASONS = [
  'unspecified',
  'key_compromise',
  'ca_compromise',
  'affiliation_changed',
  'superseded',
  'cessation_of_operation',
  'certificate_hold',
  '', // 7 is not used
  'remove_from_crl',
  'privilege_withdrawn',
  'aa_compromise',
];

/** id-pkix-ocsp-basic (1.3.6.1.5.5.7.48.1.1) as DER OID content. */
const OCSP_BASIC = Buffer.from([0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01]);

interface Tlv {
  tag: number;
  start: number;
  end: number;
  next: number;
}

function tlv(buf: Buffer, at: number, limit = buf.length): Tlv {
  if (at + 2 > limit) throw new Error('truncated');
  const tag = buf[at] as number;
  let len = buf[at + 1] as number;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) throw new Error('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[start + i] as number);
    start += n;
  }
  const end = start + len;
  if (end > limit) throw new Error('truncated');
  return { tag, start, end, next: end };
}

/** The elements inside a constructed value. */
function children(buf: Buffer, node: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = node.start; at < node.end; ) {
    const child = tlv(buf, at, node.end);
    out.push(child);
    at = child.next;
  }
  return out;
}

/** GeneralizedTime (YYYYMMDDHHMMSS[.f]Z) to Unix seconds. */
function generalizedTime(buf: Buffer, node: Tlv): number {
  const text = buf.toString('latin1', node.start, node.end);
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text);
  if (!m) throw new Error('bad time');
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Math.floor(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s) / 1000);
}

/** Parses a stapled OCSP response; undefined when k6 would not accept it. */
export function parseOcspResponse(der: Buffer | undefined): OcspInfo | undefined {
  if (!der || der.length === 0) return undefined;
  try {
    const top = children(der, tlv(der, 0));
    const status = top[0];
    if (status?.tag !== 0x0a || der[status.start] !== 0) return undefined; // not successful
    const bytes = top[1];
    if (bytes?.tag !== 0xa0) return undefined;
    const [type, octets] = children(der, children(der, bytes)[0] as Tlv);
    if (type?.tag !== 0x06 || !der.subarray(type.start, type.end).equals(OCSP_BASIC))
      return undefined;
    if (octets?.tag !== 0x04) return undefined;
    const basic = children(der, tlv(der, octets.start, octets.end));
    const data = children(der, basic[0] as Tlv);
    let i = 0;
    if (data[i]?.tag === 0xa0) i++; // version
    i++; // responderID
    const producedAt = data[i++];
    const responses = data[i];
    if (producedAt?.tag !== 0x18 || !responses || responses.tag !== 0x30) return undefined;
    const singles = children(der, responses);
    if (singles.length !== 1) return undefined;
    const single = children(der, singles[0] as Tlv);
    const certStatus = single[1];
    const thisUpdate = single[2];
    if (!certStatus || !thisUpdate || thisUpdate.tag !== 0x18) return undefined;
    const info: OcspInfo = {
      produced_at: generalizedTime(der, producedAt),
      this_update: generalizedTime(der, thisUpdate),
      next_update: ZERO_TIME_UNIX,
      revoked_at: ZERO_TIME_UNIX,
      revocation_reason: 'unspecified',
      status: 'unknown',
    };
    const next = single[3];
    if (next?.tag === 0xa0) info.next_update = generalizedTime(der, children(der, next)[0] as Tlv);
    if (certStatus.tag === 0x80) info.status = 'good';
    else if (certStatus.tag === 0xa1) {
      info.status = 'revoked';
      const revoked = children(der, certStatus);
      info.revoked_at = generalizedTime(der, revoked[0] as Tlv);
      const reason = revoked[1];
      if (reason?.tag === 0xa0) {
        const value = children(der, reason)[0] as Tlv;
        info.revocation_reason = REASONS[der[value.start] as number] || 'unspecified';
      }
    } else if (certStatus.tag !== 0x82) return undefined;
    return info;
  } catch {
    return undefined;
  }
}
