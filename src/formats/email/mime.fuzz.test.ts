import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../domain/findings.ts';
import type { OcrEngine } from '../../ocr/index.ts';
import { fuzz } from '../../testing/fuzz.ts';
import { readEmail } from './format.ts';
import { looksLikeEmail, parseMessage } from './message.ts';
import { orderMail, winmailDat } from './testing.ts';
import { CORPUS } from '../../testing/services.ts';

const TARGET = 'mime';

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(eml|txt)$/.test(n) ? [p] : [];
  });
}
/** Real messages from the public corpus (small ones: mutating 100 kB per case is slow). */
const corpus = ['postal-mime', 'mimekit/messages', 'unstructured/eml']
  .flatMap((d) => files(join(CORPUS, d)))
  .map((p) => readFileSync(p))
  .filter((b) => b.length < 40_000);

/** An OCR engine that finds no words: attachments here are never real scans. */
const blankOcr: OcrEngine = {
  recognize: async () => ({ words: [], confidence: 0 }),
  close: async () => {},
};

/** readEmail never throws and always gives a well-formed outcome. */
async function readsToOutcome(bytes: Buffer): Promise<void> {
  looksLikeEmail(bytes);
  const outcome = await readEmail(bytes, null, { ocr: blankOcr, templates: [] });
  expect(['orders', 'rejected']).toContain(outcome.kind);
  const findings = [
    ...outcome.findings,
    ...(outcome.kind === 'orders' ? outcome.orders.flatMap((o) => o.findings) : []),
  ];
  for (const f of findings) {
    expect(FINDING_CODES).toContain(f.code);
    expect(f.message.length).toBeGreaterThan(0);
  }
  if (outcome.kind === 'orders') {
    for (const o of outcome.orders) {
      for (const l of o.order.lines) {
        for (const v of [l.quantity, l.unitPrice, l.amount])
          expect(v === null || Number.isFinite(v)).toBe(true);
      }
    }
  }
}

/** parseMessage either gives a message or fails with an Error (which readEmail turns into a rejection). */
async function parses(bytes: Buffer): Promise<void> {
  try {
    const m = await parseMessage(bytes);
    expect(typeof m.subject).toBe('string');
    for (const d of m.documents) expect(Buffer.isBuffer(d.bytes)).toBe(true);
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
  }
}

const charset = fc.constantFrom(
  'utf-8',
  'iso-8859-1',
  'windows-1252',
  'iso-2022-jp',
  'utf-16',
  'utf-7',
  'x-unknown',
  'koi8-r',
  'gb2312',
  '',
  '"utf-8',
  'utf-8; format=flowed',
);
const transfer = fc.constantFrom(
  '7bit',
  '8bit',
  'binary',
  'base64',
  'quoted-printable',
  'x-uuencode',
  'garbage',
  '',
);
const text = fc.string({ maxLength: 80, unit: 'binary' });

/** Encodes a body as its Content-Transfer-Encoding says, sometimes wrongly on purpose. */
function encode(body: string, cte: string, broken: boolean): string {
  if (broken) return body;
  if (cte === 'base64') return Buffer.from(body, 'utf8').toString('base64');
  if (cte === 'quoted-printable')
    return body.replace(
      /[=\u0080-\uffff]/g,
      (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().slice(-2)}`,
    );
  return body;
}

interface Part {
  head: string;
  body: string;
}

const leaf: fc.Arbitrary<Part> = fc
  .record({
    type: fc.constantFrom(
      'text/plain',
      'text/html',
      'application/octet-stream',
      'image/png',
      'application/pdf',
      'text/calendar',
    ),
    charset,
    cte: transfer,
    body: fc.oneof(text, fc.constant(orderMail('PO-FUZZ-1').split('\r\n\r\n').slice(1).join('\r\n\r\n'))),
    broken: fc.boolean(),
    name: fc.option(
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('=?utf-8?B?cGVkaWRvLnBkZg==?=', '=?x?Q?a=ZZ?=', 'winmail.dat'),
      ),
    ),
  })
  .map((p) => ({
    head: [
      `Content-Type: ${p.type}; charset=${p.charset}${p.name !== null ? `; name="${p.name}"` : ''}`,
      `Content-Transfer-Encoding: ${p.cte}`,
      ...(p.name !== null ? [`Content-Disposition: attachment; filename="${p.name}"`] : []),
    ].join('\r\n'),
    body: encode(p.body, p.cte, p.broken),
  }));

const tnefPart: fc.Arbitrary<Part> = fc
  .tuple(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.boolean())
  .map(([noise, at, keep]) => {
    const dat = winmailDat([{ name: 'pedido.pdf', bytes: Buffer.from('%PDF-1.4 not really') }]);
    const i = at % (dat.length + 1);
    const bytes = keep ? dat : Buffer.concat([dat.subarray(0, i), Buffer.from(noise)]);
    return {
      head: 'Content-Type: application/ms-tnef; name="winmail.dat"\r\nContent-Transfer-Encoding: base64',
      body: bytes.toString('base64'),
    };
  });

/** MIME trees: leaves, multiparts (with odd boundaries) and forwarded messages, a few levels deep. */
const tree = fc.letrec<{ part: Part }>((tie) => ({
  part: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tnefPart,
    fc
      .record({
        sub: fc.constantFrom('mixed', 'alternative', 'related', 'digest', 'signed'),
        boundary: fc.oneof(fc.constantFrom('b1', 'a"b', '', '=_x', 'b1 '), fc.string({ maxLength: 10 })),
        parts: fc.array(tie('part'), { maxLength: 3 }),
        preamble: fc.string({ maxLength: 20 }),
        close: fc.boolean(),
      })
      .map((m) => ({
        head: `Content-Type: multipart/${m.sub}; boundary="${m.boundary}"`,
        body: `${m.preamble}\r\n${m.parts.map((p) => `--${m.boundary}\r\n${p.head}\r\n\r\n${p.body}\r\n`).join('')}${m.close ? `--${m.boundary}--\r\n` : ''}`,
      })),
    tie('part').map((p) => ({
      head: 'Content-Type: message/rfc822',
      body: `From: a@b.es\r\nSubject: fwd\r\n${p.head}\r\n\r\n${p.body}`,
    })),
  ),
})).part;

const header = fc.record({
  from: fc.oneof(
    fc.constantFrom(
      'Compras <compras@ferreterialopez.es>',
      '<>',
      '"unterminated <x@y',
      '=?utf-8?Q?Jos=C3=A9?= <j@x.es>',
    ),
    fc.string({ maxLength: 30 }),
  ),
  subject: fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      '=?utf-8?B?UGVkaWRv?=',
      '=?iso-2022-jp?B?GyRCJUYlOSVIGyhC?=',
      '=?x-bad?Q?=FF=FE?=',
      '=?utf-8?B?@@@?=',
      'Fax from +34 912 345 679',
    ),
  ),
});

function message(h: { from: string; subject: string }, root: Part): Buffer {
  const head = [
    `From: ${h.from}`,
    'To: pedidos@proveedor.es',
    `Subject: ${h.subject}`,
    'MIME-Version: 1.0',
    root.head,
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${root.body}`, 'utf8');
}

/** `depth` levels of forwarded messages (or multiparts) around a one-line order. */
function nested(depth: number, kind: 'rfc822' | 'multipart'): Buffer {
  let part: Part = { head: 'Content-Type: text/plain; charset=utf-8', body: 'Pedido nº: PO-1\r\n' };
  for (let i = 0; i < depth; i++) {
    part =
      kind === 'rfc822'
        ? {
            head: 'Content-Type: message/rfc822',
            body: `From: a@b.es\r\nSubject: fwd ${i}\r\n${part.head}\r\n\r\n${part.body}`,
          }
        : {
            head: `Content-Type: multipart/mixed; boundary="b${i}"`,
            body: `--b${i}\r\n${part.head}\r\n\r\n${part.body}\r\n--b${i}--\r\n`,
          };
  }
  return message({ from: 'a@b.es', subject: 'deep' }, part);
}

describe('MIME reader, fuzzed', () => {
  it('reads any bytes into an outcome', async () => {
    await fuzz(
      TARGET,
      fc.asyncProperty(fc.uint8Array({ maxLength: 1024 }), async (bytes) => {
        await parses(Buffer.from(bytes));
        await readsToOutcome(Buffer.from(bytes));
      }),
      60,
    );
  });

  it('reads generated MIME trees (odd charsets, encodings, boundaries, TNEF) into an outcome', async () => {
    await fuzz(
      TARGET,
      fc.asyncProperty(header, tree, async (h, root) => {
        const bytes = message(h, root);
        await parses(bytes);
        await readsToOutcome(bytes);
      }),
      80,
    );
  });

  const seeds = [Buffer.from(orderMail('PO-FUZZ-2')), ...corpus];
  it('reads mutated real messages into an outcome', async () => {
    const edit = fc.record({
      at: fc.nat(),
      cut: fc.nat({ max: 30 }),
      insert: fc.oneof(
        fc.string({ maxLength: 10 }),
        fc.constantFrom(
          '\r\n',
          '\r\n\r\n',
          '--',
          'Content-Type: multipart/mixed; boundary=x\r\n',
          '=?utf-8?B?',
          '=\r\n',
          '=ZZ',
          '\0',
          'charset=utf-7',
        ),
      ),
    });
    await fuzz(
      TARGET,
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        async (seed, edits) => {
          let b = seed;
          for (const e of edits) {
            const i = e.at % (b.length + 1);
            b = Buffer.concat([b.subarray(0, i), Buffer.from(e.insert, 'latin1'), b.subarray(i + e.cut)]);
          }
          await parses(b);
          await readsToOutcome(b);
        },
      ),
      50,
    );
  });

  it('follows forwarded messages only so deep, and survives deep nesting of any kind', async () => {
    await fuzz(
      TARGET,
      fc.asyncProperty(
        fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 60 }) }, fc.constantFrom(500, 2000)),
        fc.constantFrom<'rfc822' | 'multipart'>('rfc822', 'multipart'),
        async (depth, kind) => {
          const bytes = nested(depth, kind);
          if (kind === 'rfc822') {
            const m = await parseMessage(bytes);
            expect(m.skipped.some((s) => /nested too deep/.test(s.reason))).toBe(depth > 3);
          }
          // mailparser refuses thousands of nested parts with an error: the message is rejected.
          await parses(bytes);
          await readsToOutcome(bytes);
        },
      ),
      25,
    );
  });
});
