/** Builds stapled OCSP responses (DER) for tests: a fixed certID, no signature check needed. */

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const len = body.length;
  const head =
    len < 0x80
      ? Buffer.from([tag, len])
      : len < 0x100
        ? Buffer.from([tag, 0x81, len])
        : Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  return Buffer.concat([head, body]);
}

function time(iso: string): Buffer {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  const text = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return der(0x18, Buffer.from(text, 'latin1'));
}

/** What the response says about its one certificate. */
export interface OcspFixture {
  status: 'good' | 'revoked' | 'unknown';
  producedAt: string;
  thisUpdate: string;
  nextUpdate?: string;
  revokedAt?: string;
  reason?: number;
}

/** A successful basic OCSP response (DER) for `f`. */
export function ocspResponseDer(f: OcspFixture): Buffer {
  const sha1 = der(0x30, der(0x06, Buffer.from([0x2b, 0x0e, 0x03, 0x02, 0x1a])), der(0x05));
  const certId = der(
    0x30,
    sha1,
    der(0x04, Buffer.alloc(20, 1)),
    der(0x04, Buffer.alloc(20, 2)),
    der(0x02, Buffer.from([0x01])),
  );
  const certStatus =
    f.status === 'good'
      ? der(0x80)
      : f.status === 'unknown'
        ? der(0x82)
        : der(
            0xa1,
            time(f.revokedAt ?? f.thisUpdate),
            ...(f.reason === undefined ? [] : [der(0xa0, der(0x0a, Buffer.from([f.reason])))]),
          );
  const single = der(
    0x30,
    certId,
    certStatus,
    time(f.thisUpdate),
    ...(f.nextUpdate ? [der(0xa0, time(f.nextUpdate))] : []),
  );
  const responderId = der(0xa2, der(0x04, Buffer.alloc(20, 3)));
  const data = der(0x30, responderId, time(f.producedAt), der(0x30, single));
  const sigAlg = der(
    0x30,
    der(0x06, Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b])),
    der(0x05),
  );
  const basic = der(0x30, data, sigAlg, der(0x03, Buffer.from([0x00, 0xaa, 0xbb])));
  const basicOid = der(0x06, Buffer.from([0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01]));
  return der(
    0x30,
    der(0x0a, Buffer.from([0x00])),
    der(0xa0, der(0x30, basicOid, der(0x04, basic))),
  );
}
