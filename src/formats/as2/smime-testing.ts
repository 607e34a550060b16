/**
 * Test helpers: a trading partner's key and self-signed X.509 certificate, detached S/MIME
 * signatures (CMS SignedData, RFC 5652, with signed attributes as AS2 software sends them) and
 * AS2 messages carrying them, all made with node:crypto alone, so the AS2 tests never depend on
 * a tool being installed. openssl, where present, checks that what is made here is real CMS.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const der = (tag: number, ...content: Buffer[]) => {
  const value = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(value.length), value]);
};
const seq = (...c: Buffer[]) => der(0x30, ...c);
/** DER SET OF: elements in the order of their encodings. */
const setOf = (...c: Buffer[]) => der(0x31, ...[...c].sort(Buffer.compare));
const int = (b: Buffer) => der(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
const small = (n: number) => int(Buffer.from([n]));
const NULL = Buffer.from([0x05, 0x00]);
const octets = (b: Buffer) => der(0x04, b);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const utcTime = (d: Date) => der(0x17, Buffer.from(`${d.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`));
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const v of rest) {
    const enc = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) enc.unshift((x & 0x7f) | 0x80);
    out.push(...enc);
  }
  return der(0x06, Buffer.from(out));
}

const SHA256 = seq(oid('2.16.840.1.101.3.4.2.1'), NULL);
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), NULL);
const RSA = seq(oid('1.2.840.113549.1.1.1'), NULL);
const DATA = oid('1.2.840.113549.1.7.1');

export interface Partner {
  /** The certificate, PEM: what the supplier configures for this partner. */
  pem: string;
  /** A detached CMS signature (DER) over `content`. */
  sign(content: Buffer): Buffer;
}

/** A partner with an RSA key and a self-signed certificate for `cn`, valid from yesterday for a year. */
export function makePartner(cn: string): Partner {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serial = Buffer.concat([Buffer.from([0x01]), randomBytes(8)]);
  const name = seq(setOf(seq(oid('2.5.4.3'), utf8(cn))));
  const now = Date.now();
  const tbs = seq(
    der(0xa0, small(2)),
    int(serial),
    SHA256_RSA,
    name,
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 365 * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const cert = seq(tbs, SHA256_RSA, der(0x03, Buffer.from([0]), sign('sha256', tbs, privateKey)));
  const pem = `-----BEGIN CERTIFICATE-----\n${cert
    .toString('base64')
    .replace(/.{64}/g, '$&\n')
    .replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
  return { pem, sign: (content) => signDetached(content, privateKey, cert, name, serial) };
}

function signDetached(content: Buffer, key: KeyObject, cert: Buffer, issuer: Buffer, serial: Buffer): Buffer {
  const attrs = [
    seq(oid('1.2.840.113549.1.9.3'), setOf(DATA)),
    seq(oid('1.2.840.113549.1.9.5'), setOf(utcTime(new Date()))),
    seq(oid('1.2.840.113549.1.9.4'), setOf(octets(createHash('sha256').update(content).digest()))),
  ];
  // Signed as a SET OF, sent as [0] IMPLICIT: the same bytes under another tag.
  const signedAttrs = setOf(...attrs);
  const signature = sign('sha256', signedAttrs, key);
  const sentAttrs = Buffer.from(signedAttrs);
  sentAttrs[0] = 0xa0;
  const signerInfo = seq(small(1), seq(issuer, int(serial)), SHA256, sentAttrs, RSA, octets(signature));
  const signedData = seq(small(1), setOf(SHA256), seq(DATA), der(0xa0, cert), setOf(signerInfo));
  return seq(oid('1.2.840.113549.1.7.2'), der(0xa0, signedData));
}

export interface As2MessageOptions {
  /** AS2-From as sent (quoted or not). */
  from?: string;
  contentType?: string;
  /** Signs the MIME part; none: an unsigned message. */
  sign?: (content: Buffer) => Buffer;
  /** Changes the payload after it was signed (a message altered on the way). */
  tamper?: (part: Buffer) => Buffer;
  /** Leaves the signature part out of a `multipart/signed` body. */
  dropSignature?: boolean;
}

/** An AS2 message as an AS2 server stores it: HTTP-style headers and a MIME body. */
export function as2Message(payload: Buffer, opt: As2MessageOptions = {}): Buffer {
  const type = opt.contentType ?? 'application/edi-x12';
  const part = Buffer.concat([
    Buffer.from(`Content-Type: ${type}\r\nContent-Transfer-Encoding: binary\r\n\r\n`),
    payload,
  ]);
  const head = `AS2-Version: 1.2\r\nAS2-From: ${opt.from ?? '"BUYERAS2"'}\r\nAS2-To: SUPPLIER\r\nMessage-ID: <as2-${randomBytes(6).toString('hex')}@buyer>\r\nMIME-Version: 1.0\r\n`;
  if (!opt.sign) return Buffer.concat([Buffer.from(`${head}Content-Type: ${type}\r\n\r\n`), payload]);
  const signature = opt.sign(part).toString('base64').replace(/.{76}/g, '$&\r\n');
  const sent = opt.tamper ? opt.tamper(part) : part;
  return Buffer.concat([
    Buffer.from(
      `${head}Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="b0"\r\n\r\n--b0\r\n`,
    ),
    sent,
    Buffer.from(
      opt.dropSignature
        ? '\r\n--b0--\r\n'
        : `\r\n--b0\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n${signature}\r\n--b0--\r\n`,
    ),
  ]);
}
