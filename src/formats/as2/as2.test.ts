import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExtractOutcome } from '../../domain/extraction.ts';
import { as2Format } from '../structured.ts';
import { cleanOrder, toX12 } from '../testing.ts';
import { certificatePem, loadAs2Certificates } from './certificates.ts';
import { readAs2 } from './read.ts';
import { as2Message, makePartner } from './smime-testing.ts';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
}

const codes = (o: ExtractOutcome) => o.findings.map((f) => [f.code, f.severity]);
const x12 = Buffer.from(toX12(cleanOrder('PO-AS2-1')));
const buyer = makePartner('buyer');
const stranger = makePartner('stranger');
const tamper = (part: Buffer) => Buffer.from(part.toString('latin1').replace('*200*', '*900*'), 'latin1');

describe('AS2 messages, signed or not', () => {
  it('reads the signed payload and checks the signature with the configured certificate', async () => {
    const bytes = as2Message(x12, { sign: buyer.sign });
    expect(as2Format().score({ bytes, filename: null, contentType: null })).toBeGreaterThan(0.8);
    const outcome = await readAs2(bytes, { certificates: { buyeras2: buyer.pem } });
    expect(codes(outcome)).toEqual([]);
    if (outcome.kind !== 'orders') throw new Error('rejected');
    expect(outcome.orders[0]!.order.poNumber).toBe('PO-AS2-1');
    expect(outcome.orders[0]!.evidence.partyIds).toContain('BUYERAS2');
  });

  it('a changed payload, another signer, a missing signature part or none at all is unverified_signature, the order kept', async () => {
    const certificates = { BUYERAS2: buyer.pem };
    const changed = await readAs2(as2Message(x12, { sign: buyer.sign, tamper }), { certificates });
    expect(codes(changed)).toEqual([['unverified_signature', 'warning']]);
    expect(changed.findings[0]!.message).toMatch(/changed after signing/);
    expect(changed.kind).toBe('orders');
    const other = await readAs2(as2Message(x12, { sign: stranger.sign }), { certificates });
    expect(codes(other)).toEqual([['unverified_signature', 'warning']]);
    expect(other.findings[0]!.message).toMatch(/does not match the certificate/);
    const cut = await readAs2(as2Message(x12, { sign: buyer.sign, dropSignature: true }), { certificates });
    expect(codes(cut)).toEqual([['unverified_signature', 'warning']]);
    expect(cut.kind).toBe('orders');
    const unsigned = await readAs2(as2Message(x12), { certificates });
    expect(codes(unsigned)).toEqual([['unverified_signature', 'warning']]);
    expect(unsigned.kind).toBe('orders');
  });

  it('without a configured certificate a signature is said not to be checked (info), and read', async () => {
    const outcome = await readAs2(as2Message(x12, { sign: buyer.sign }));
    expect(codes(outcome)).toEqual([['unverified_signature', 'info']]);
    expect(outcome.kind).toBe('orders');
  });
});

describe('AS2 certificates from the configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'as2-certs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads AS2ID=path entries, PEM or DER, and refuses what cannot be used', () => {
    const pem = join(dir, 'buyer.pem');
    writeFileSync(pem, `Bag Attributes: from a PKCS#12 export\n${buyer.pem}`);
    const derFile = join(dir, 'stranger.cer');
    writeFileSync(derFile, Buffer.from(stranger.pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));
    const problems: string[] = [];
    const certs = loadAs2Certificates([`BUYERAS2=${pem}`, `OTHER=${derFile}`], problems);
    expect(problems).toEqual([]);
    expect(Object.keys(certs)).toEqual(['BUYERAS2', 'OTHER']);
    expect(certs.BUYERAS2).toBe(buyer.pem);
    expect(certs.OTHER).toBe(stranger.pem);

    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    loadAs2Certificates(
      [`A=${join(dir, 'missing.pem')}`, `B=${junk}`, 'no-equals-sign', `BUYERAS2=${pem}`, `buyeras2=${pem}`],
      problems,
    );
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/cannot read the certificate of A .*ENOENT/);
    expect(problems[1]).toMatch(/junk\.pem \(for B\) is not an X\.509 certificate/);
    expect(problems[2]).toMatch(/not AS2ID=/);
    expect(problems[3]).toMatch(/given twice/);
    expect('error' in certificatePem(Buffer.alloc(0))).toBe(true);
  });
});

describe.skipIf(!hasOpenssl())('the test signatures are real CMS (openssl as the oracle)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'as2-openssl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('openssl verifies a signature made here, and refuses it over changed content', () => {
    const content = Buffer.from('Content-Type: application/edi-x12\r\n\r\nISA*00*...~');
    writeFileSync(join(dir, 'content'), content);
    writeFileSync(join(dir, 'changed'), Buffer.concat([content, Buffer.from('x')]));
    writeFileSync(join(dir, 'sig.der'), buyer.sign(content));
    writeFileSync(join(dir, 'cert.pem'), buyer.pem);
    const verify = (file: string) =>
      execFileSync(
        'openssl',
        [
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          join(dir, 'sig.der'),
          '-content',
          join(dir, file),
          '-CAfile',
          join(dir, 'cert.pem'),
          '-out',
          '/dev/null',
        ],
        { stdio: 'pipe' },
      );
    expect(() => verify('content')).not.toThrow();
    expect(() => verify('changed')).toThrow();
  });
});

describe('an AS2 message that holds itself', () => {
  it('is refused with the reason instead of being read again and again (found by fuzzing)', async () => {
    // No blank line after the headers: the "body" is the whole message, an AS2 message again.
    const outcome = await readAs2(
      Buffer.from('AS2-From: X\r\nContent-Type: application/edi-x12\r\nAS2-To: Y'),
    );
    expect(outcome.kind).toBe('rejected');
    expect(outcome.findings.map((f) => f.message).join(' ')).toMatch(/another AS2 message/);
    const nested = as2Message(as2Message(x12, { sign: buyer.sign }), { contentType: 'message/disposition' });
    expect((await readAs2(nested)).kind).toBe('rejected');
  });
});
