/**
 * Checks a detached S/MIME signature (CMS SignedData, RFC 5652) over the signed MIME part with
 * the sender's certificate: the signed attributes' message digest must be the digest of the
 * content, and the signature over those attributes must verify with the certificate's key.
 * Only what that needs is decoded from the DER; node:crypto does the cryptography.
 */
import { createHash, verify, X509Certificate } from 'node:crypto';

interface Tlv {
  tag: number;
  /** The whole element, header included. */
  raw: Buffer;
  /** The contents. */
  value: Buffer;
}

function tlv(buf: Buffer, at: number): Tlv {
  if (at + 2 > buf.length) throw new Error('the signature is cut off');
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || at + 2 + n > buf.length) throw new Error('a DER length is not readable');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
    head += n;
  }
  if (at + head + len > buf.length) throw new Error('a DER element runs past the end');
  return { tag, raw: buf.subarray(at, at + head + len), value: buf.subarray(at + head, at + head + len) };
}

function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < t.value.length; ) {
    const c = tlv(t.value, at);
    out.push(c);
    at += c.raw.length;
  }
  return out;
}

function oid(t: Tlv): string {
  const b = t.value;
  const parts = [Math.floor(b[0]! / 40), b[0]! % 40];
  let v = 0;
  for (const byte of b.subarray(1)) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Verifies `signature` (DER CMS SignedData) over `content` with the certificate in `certPem`. */
export function verifyDetached(content: Buffer, signature: Buffer, certPem: string): SignatureCheck {
  try {
    const contentInfo = children(tlv(signature, 0));
    if (oid(contentInfo[0]!) !== '1.2.840.113549.1.7.2')
      return { ok: false, reason: 'it is not CMS SignedData' };
    const signedData = children(children(contentInfo[1]!)[0]!);
    const signerInfos = signedData[signedData.length - 1]!;
    const signer = children(children(signerInfos)[0]!);
    const digestName = DIGESTS[oid(children(signer[2]!)[0]!)];
    if (!digestName) return { ok: false, reason: 'its digest algorithm is not supported' };
    const hasAttrs = signer[3]!.tag === 0xa0;
    const sig = signer[hasAttrs ? 5 : 4]!.value;
    const key = new X509Certificate(certPem).publicKey;
    if (!hasAttrs) {
      return verify(digestName, content, key, sig)
        ? { ok: true }
        : { ok: false, reason: 'the signature does not match' };
    }
    const attrs = children(signer[3]!);
    const digestAttr = attrs.map(children).find((a) => oid(a[0]!) === MESSAGE_DIGEST);
    if (!digestAttr) return { ok: false, reason: 'it has no message digest' };
    const stated = children(digestAttr[1]!)[0]!.value;
    const actual = createHash(digestName).update(content).digest();
    if (!actual.equals(stated)) return { ok: false, reason: 'the content was changed after signing' };
    // The signature covers the signed attributes as a SET (tag 0x31), not as the [0] they are sent in.
    const signed = Buffer.from(signer[3]!.raw);
    signed[0] = 0x31;
    return verify(digestName, signed, key, sig)
      ? { ok: true }
      : { ok: false, reason: 'the signature does not match the certificate' };
  } catch (err) {
    return { ok: false, reason: `it cannot be read (${(err as Error).message})` };
  }
}
