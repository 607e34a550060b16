import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExtractOutcome } from '../../domain/extraction.ts';
import { as2Format } from '../structured.ts';
import { cleanOrder, toX12 } from '../testing.ts';
import { readAs2 } from './read.ts';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
}

/** A key and self-signed certificate, and a detached CMS signature made by openssl (the oracle). */
function signer(dir: string, name: string) {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ],
    { stdio: 'ignore' },
  );
  return {
    pem: readFileSync(cert, 'utf8'),
    sign(content: Buffer): Buffer {
      const input = join(dir, 'content.bin');
      writeFileSync(input, content);
      return execFileSync('openssl', [
        'cms',
        '-sign',
        '-binary',
        '-in',
        input,
        '-signer',
        cert,
        '-inkey',
        key,
        '-outform',
        'DER',
        '-md',
        'sha256',
      ]);
    },
  };
}

function as2Message(payload: Buffer, sign?: (content: Buffer) => Buffer, tamper = false): Buffer {
  const part = Buffer.concat([
    Buffer.from('Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: binary\r\n\r\n'),
    payload,
  ]);
  const head =
    'AS2-Version: 1.2\r\nAS2-From: "BUYERAS2"\r\nAS2-To: SUPPLIER\r\nMessage-ID: <as2-1@buyer>\r\nMIME-Version: 1.0\r\n';
  if (!sign) return Buffer.concat([Buffer.from(`${head}Content-Type: application/edi-x12\r\n\r\n`), payload]);
  const signature = sign(part).toString('base64').replace(/.{76}/g, '$&\r\n');
  const sent = tamper ? Buffer.from(part.toString('latin1').replace('*200*', '*900*'), 'latin1') : part;
  return Buffer.concat([
    Buffer.from(
      `${head}Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="b0"\r\n\r\n--b0\r\n`,
    ),
    sent,
    Buffer.from(
      `\r\n--b0\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n${signature}\r\n--b0--\r\n`,
    ),
  ]);
}

const codes = (o: ExtractOutcome) => o.findings.map((f) => [f.code, f.severity]);
const x12 = Buffer.from(toX12(cleanOrder('PO-AS2-1')));

describe.skipIf(!hasOpenssl())('AS2 messages, signed or not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'as2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const buyer = signer(dir, 'buyer');
  const stranger = signer(dir, 'stranger');

  it('reads the signed payload and checks the signature with the configured certificate', async () => {
    const bytes = as2Message(x12, buyer.sign);
    expect(as2Format().score({ bytes, filename: null, contentType: null })).toBeGreaterThan(0.8);
    const outcome = await readAs2(bytes, { certificates: { buyeras2: buyer.pem } });
    expect(codes(outcome)).toEqual([]);
    if (outcome.kind !== 'orders') throw new Error('rejected');
    expect(outcome.orders[0]!.order.poNumber).toBe('PO-AS2-1');
    expect(outcome.orders[0]!.evidence.partyIds).toContain('BUYERAS2');
  });

  it('a changed payload, another signer or a missing signature is unverified_signature, the order kept', async () => {
    const changed = await readAs2(as2Message(x12, buyer.sign, true), {
      certificates: { BUYERAS2: buyer.pem },
    });
    expect(codes(changed)).toEqual([['unverified_signature', 'warning']]);
    expect(changed.findings[0]!.message).toMatch(/changed after signing/);
    expect(changed.kind).toBe('orders');
    const other = await readAs2(as2Message(x12, stranger.sign), { certificates: { BUYERAS2: buyer.pem } });
    expect(codes(other)).toEqual([['unverified_signature', 'warning']]);
    const unsigned = await readAs2(as2Message(x12), { certificates: { BUYERAS2: buyer.pem } });
    expect(codes(unsigned)).toEqual([['unverified_signature', 'warning']]);
    expect(unsigned.kind).toBe('orders');
  });

  it('without a configured certificate a signature is said not to be checked (info), and read', async () => {
    const outcome = await readAs2(as2Message(x12, buyer.sign));
    expect(codes(outcome)).toEqual([['unverified_signature', 'info']]);
    expect(outcome.kind).toBe('orders');
  });
});
