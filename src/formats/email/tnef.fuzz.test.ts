import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../testing/fuzz.ts';
import { winmailDat } from './testing.ts';
import { TnefError, tnefAttachments } from './tnef.ts';
import { CORPUS } from '../../testing/services.ts';

const TARGET = 'tnef';
const TNEF_DIR = join(CORPUS, 'mimekit/tnef');
const corpus = existsSync(TNEF_DIR)
  ? readdirSync(TNEF_DIR)
      .filter((n) => n.endsWith('.tnef'))
      .map((n) => readFileSync(join(TNEF_DIR, n)))
  : [];

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n & 0xffff);
  return b;
};

/** One TNEF attribute: level, id, length, data, checksum ([MS-OXTNEF] 2.1.3). */
function attribute(level: number, id: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([level]), u32(id), u32(data.length), data, u16(0)]);
}

/** A winmail.dat holding one attAttachment attribute (MAPI properties) with the given body. */
function withMapiProps(props: Buffer): Buffer {
  const start = Buffer.concat([u32(0x223e9f78), u16(1)]);
  return Buffer.concat([start, attribute(2, 0x00069002, Buffer.alloc(14)), attribute(2, 0x00069005, props)]);
}

/** Either attachments, or a TnefError: no RangeError from reading past the end, nothing else. */
function read(bytes: Buffer): void {
  try {
    const out = tnefAttachments(bytes);
    for (const a of out) {
      expect(Buffer.isBuffer(a.bytes)).toBe(true);
      expect(a.name === null || typeof a.name === 'string').toBe(true);
    }
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(TnefError);
  }
}

/** A MAPI property list of random properties, types and lengths (some lying about their size). */
const mapiList = fc
  .array(
    fc.record({
      type: fc.constantFrom(
        0x0002,
        0x0003,
        0x0005,
        0x0048,
        0x001e,
        0x001f,
        0x0102,
        0x000d,
        0x101f,
        0x1003,
        0x0999,
      ),
      id: fc.oneof(fc.constantFrom(0x3707, 0x3704, 0x3001, 0x3701), fc.integer({ min: 0x8000, max: 0xffff })),
      kind: fc.constantFrom(0, 1),
      len: fc.oneof(
        fc.nat({ max: 64 }),
        fc.constantFrom(0xffffffff, 0xffffffdd, 0xffffffe1, 0xffffffe4, 0x7ffffffe, 0x80000000),
      ),
      data: fc.uint8Array({ maxLength: 64 }),
      values: fc.oneof(fc.nat({ max: 3 }), fc.constantFrom(0xffffffff)),
    }),
    { maxLength: 4 },
  )
  .chain((props) =>
    fc.constantFrom(props.length, 0xffffffff).map((count) => {
      const parts = [u32(count)];
      for (const p of props) {
        parts.push(u16(p.type), u16(p.id));
        if (p.id >= 0x8000) parts.push(Buffer.alloc(16), u32(p.kind), u32(p.kind === 1 ? p.len : 7));
        if (p.kind === 1 && p.id >= 0x8000) parts.push(Buffer.from(p.data));
        parts.push(u32(p.values), u32(p.len), Buffer.from(p.data));
      }
      return Buffer.concat(parts);
    }),
  );

const seeds = [
  winmailDat([{ name: 'pedido.pdf', bytes: Buffer.from('%PDF-1.4 test') }]),
  winmailDat([
    { name: 'a.txt', bytes: Buffer.from('hola') },
    { name: 'b.bin', bytes: Buffer.alloc(40, 7) },
  ]),
  ...corpus,
];

describe('TNEF reader, fuzzed', () => {
  it('reads any bytes into attachments or a TnefError', async () => {
    const signature = u32(0x223e9f78);
    await fuzz(
      TARGET,
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (bytes, signed) => {
        read(signed ? Buffer.concat([signature, Buffer.from(bytes)]) : Buffer.from(bytes));
      }),
      1000,
    );
  });

  it('reads mutated winmail.dat files into attachments or a TnefError', async () => {
    const edit = fc.record({
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
      cut: fc.nat({ max: 16 }),
    });
    await fuzz(
      TARGET,
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(edit, { minLength: 1, maxLength: 5 }),
        (seed, edits) => {
          let b = Buffer.from(seed);
          for (const e of edits) {
            const i = e.at % (b.length + 1);
            b = Buffer.concat([b.subarray(0, i), Buffer.from(e.bytes), b.subarray(i + e.cut)]);
          }
          read(b);
        },
      ),
      1000,
    );
  });

  it('reads any MAPI property list of an attachment into attachments or a TnefError, in bounded time', async () => {
    await fuzz(
      TARGET,
      fc.property(mapiList, (props) => {
        read(withMapiProps(props));
      }),
      1000,
    );
  });

  it('regression: a named property whose name length wraps around is refused, not looped on', () => {
    // kind 1 (a name) with length 0xffffffdd: padded as a 32-bit int it was -36, which moved the
    // reader back onto the same property 2^32 times (a hang); 0x7ffffffe moved it before the buffer
    // (a RangeError).
    for (const len of [0xffffffdd, 0x7ffffffe]) {
      const name = Buffer.concat([u16(0x0003), u16(0x8001), Buffer.alloc(16), u32(1), u32(len)]);
      const props = Buffer.concat([u32(0xffffffff), name, Buffer.alloc(8)]);
      expect(() => tnefAttachments(withMapiProps(props))).toThrow(TnefError);
    }
  });
});
