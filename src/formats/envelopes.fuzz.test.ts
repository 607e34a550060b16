/**
 * Property-based tests of what wraps an order: AS2 messages (signed, with the signature checked)
 * and PDFs whose order is an associated file listed only under `/AF`. Any mutation of a valid
 * message or PDF, and any bytes, give an outcome or an empty list: never a throw, never a hang.
 * A valid signed message over any order verifies; any change to its payload is a finding.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../domain/findings.ts';
import { afOnlyPdf } from '../testing/af-pdf.ts';
import { fuzz } from '../testing/fuzz.ts';
import { readAs2 } from './as2/read.ts';
import { as2Message, makePartner } from './as2/smime-testing.ts';
import { associatedFiles } from './pdf-attachments/associated.ts';
import { cleanOrder, toOrderX, toX12 } from './testing.ts';

const partner = makePartner('fuzz partner');
const certificates = { BUYERAS2: partner.pem };

const byteMutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);
type ByteMutation =
  | { op: 'flip'; at: number; bits: number }
  | { op: 'cut'; at: number; length: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'truncate'; at: number };

function mutateBytes(input: Buffer, ms: ByteMutation[]): Buffer {
  let b = Buffer.from(input);
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.op === 'flip' && b.length > 0) b[at] = b[at]! ^ m.bits;
    else if (m.op === 'cut') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
    else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    else if (m.op === 'truncate') b = b.subarray(0, at);
  }
  return b;
}

const po = fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,14}$/);

describe('AS2 reader, fuzzed', () => {
  it('a message signed over any order verifies; any change to the signed part is a finding', async () => {
    await fuzz(
      'as2',
      fc.asyncProperty(po, fc.integer({ min: 1, max: 99_999 }), async (number, qty) => {
        const order = cleanOrder(number);
        order.lines[0]!.quantity = qty;
        const x12 = Buffer.from(toX12(order));
        const good = await readAs2(as2Message(x12, { sign: partner.sign }), { certificates });
        expect(good.findings.map((f) => f.code)).toEqual([]);
        if (good.kind !== 'orders') throw new Error('not read');
        expect(good.orders[0]!.order.poNumber).toBe(number);
        const tamper = (part: Buffer) =>
          Buffer.from(part.toString('latin1').replace(`*${qty}*EA`, `*${qty + 1}*EA`), 'latin1');
        const bad = await readAs2(as2Message(x12, { sign: partner.sign, tamper }), { certificates });
        expect(bad.findings.map((f) => [f.code, f.severity])).toEqual([['unverified_signature', 'warning']]);
      }),
      15,
    );
  });

  it('any mutation of a signed message, and any bytes, give an outcome with known findings', async () => {
    const seeds = [
      as2Message(Buffer.from(toX12(cleanOrder('PO-F1'))), { sign: partner.sign }),
      as2Message(Buffer.from(toOrderX(cleanOrder('PO-F2'))), {
        sign: partner.sign,
        contentType: 'application/xml',
      }),
      as2Message(Buffer.from(toX12(cleanOrder('PO-F3')))),
    ];
    await fuzz(
      'as2',
      fc.asyncProperty(
        fc.oneof(
          fc
            .constantFrom(...seeds)
            .chain((s) =>
              fc.array(byteMutation, { minLength: 1, maxLength: 5 }).map((ms) => mutateBytes(s, ms)),
            ),
          fc
            .uint8Array({ maxLength: 1024 })
            .map((b) =>
              Buffer.concat([
                Buffer.from('AS2-From: X\r\nContent-Type: multipart/signed; boundary=b\r\n\r\n'),
                Buffer.from(b),
              ]),
            ),
        ),
        async (bytes) => {
          const outcome = await readAs2(bytes, { certificates });
          expect(['orders', 'rejected']).toContain(outcome.kind);
          for (const f of outcome.findings) {
            expect(FINDING_CODES).toContain(f.code);
            expect(f.message).not.toMatch(/reader failed/);
          }
        },
      ),
      100,
    );
  });
});

describe('PDF associated files (/AF), fuzzed', () => {
  const xml = Buffer.from(toOrderX(cleanOrder('PO-AF-FUZZ')));
  let pdfs: Buffer[] = [];
  beforeAll(async () => {
    pdfs = [
      await afOnlyPdf(xml, 'order-x.xml', 'Pedido'),
      await afOnlyPdf(xml, 'order-x.xml', 'Pedido', { objectStreams: false }),
      await afOnlyPdf(xml, 'order-x.xml', 'Pedido', { onPage: true, compress: false }),
    ];
  });

  it('any mutation of a PDF with /AF files gives a list (never a throw), each file within bounds', async () => {
    await fuzz(
      'pdf-af',
      fc.property(fc.nat({ max: 2 }), fc.array(byteMutation, { minLength: 1, maxLength: 6 }), (i, ms) => {
        const files = associatedFiles(mutateBytes(pdfs[i]!, ms));
        expect(Array.isArray(files)).toBe(true);
        expect(files.length).toBeLessThanOrEqual(20);
        for (const f of files) expect(f.bytes.length).toBeLessThanOrEqual(20 * 1024 * 1024);
      }),
      200,
    );
  });

  it('any bytes after a PDF header, with catalog-looking text, give a list', async () => {
    const piece = fc.constantFrom(
      '/Root 1 0 R',
      '1 0 obj',
      '<< /AF [ 2 0 R ] >>',
      'endobj',
      'stream\n',
      'endstream',
      '/EF << /F 3 0 R >>',
      '/Filter /FlateDecode',
      '(',
      '<<',
      '[',
      '/Length 5 0 R',
      ' ',
    );
    await fuzz(
      'pdf-af',
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { maxLength: 40 }), (parts) => {
        expect(Array.isArray(associatedFiles(Buffer.from(`%PDF-1.7\n${parts.join('')}`, 'latin1')))).toBe(
          true,
        );
      }),
      300,
    );
  });
});
