/**
 * The attachments inside a winmail.dat (TNEF, [MS-OXTNEF]), which Outlook sends instead of
 * ordinary MIME attachments when "rich text" is on: often the very PDF order. Only what an order
 * needs is read: each attachment's bytes and its name (the long name from its MAPI properties
 * when present, else the 8.3 title). The message body (compressed RTF) is not.
 */

const SIGNATURE = 0x223e9f78;
const LVL_ATTACHMENT = 0x02;
/** Attribute ids ([MS-OXTNEF] 2.1.3.2), type in the high word, id in the low word. */
const ATT_ATTACH_REND_DATA = 0x00069002;
const ATT_ATTACH_TITLE = 0x00018010;
const ATT_ATTACH_DATA = 0x0006800f;
const ATT_ATTACHMENT = 0x00069005;
/** MAPI property ids of an attachment ([MS-OXPROPS]). */
const PR_ATTACH_LONG_FILENAME = 0x3707;
const PR_ATTACH_FILENAME = 0x3704;
const PR_DISPLAY_NAME = 0x3001;
const PR_ATTACH_DATA_BIN = 0x3701;

export interface TnefAttachment {
  name: string | null;
  bytes: Buffer;
}

export class TnefError extends Error {}

/** Property types and the size of their fixed-length values ([MS-OXCDATA] 2.11.1). */
const FIXED = new Map<number, number>([
  [0x0002, 2], // PtypInteger16
  [0x0003, 4], // PtypInteger32
  [0x0004, 4], // PtypFloating32
  [0x0005, 8], // PtypFloating64
  [0x0006, 8], // PtypCurrency
  [0x0007, 8], // PtypFloatingTime
  [0x000a, 4], // PtypErrorCode
  [0x000b, 2], // PtypBoolean
  [0x0014, 8], // PtypInteger64
  [0x0040, 8], // PtypTime
  [0x0048, 16], // PtypGuid
]);
const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;
const PT_OBJECT = 0x000d;
const MV = 0x1000;

const pad4 = (n: number) => (n + 3) & ~3;

/** Reads a MAPI property list; returns the string and binary values by property id. */
function mapiProps(buf: Buffer): Map<number, string | Buffer> {
  const out = new Map<number, string | Buffer>();
  let at = 0;
  const need = (n: number) => {
    if (at + n > buf.length) throw new TnefError('MAPI properties end early');
  };
  need(4);
  const count = buf.readUInt32LE(at);
  at += 4;
  for (let i = 0; i < count; i++) {
    need(4);
    const type = buf.readUInt16LE(at);
    const id = buf.readUInt16LE(at + 2);
    at += 4;
    if (id >= 0x8000) {
      // A named property: GUID, then a number or a UTF-16 name.
      need(20);
      const kind = buf.readUInt32LE(at + 16);
      at += 20;
      if (kind === 1) {
        need(4);
        const len = buf.readUInt32LE(at);
        at += 4;
        // Checked before padding: pad4 works on 32 bits, and a length near 2^32 padded to a
        // negative step that moved the reader back onto the same bytes (or before the buffer).
        need(len);
        at += pad4(len);
      } else {
        at += 4;
      }
    }
    const base = type & ~MV;
    const multi = (type & MV) !== 0;
    let values = 1;
    if (multi || base === PT_STRING8 || base === PT_UNICODE || base === PT_BINARY || base === PT_OBJECT) {
      need(4);
      values = buf.readUInt32LE(at);
      at += 4;
    }
    for (let v = 0; v < values; v++) {
      const fixed = FIXED.get(base);
      if (fixed !== undefined) {
        need(fixed);
        at += pad4(fixed);
        continue;
      }
      if (base !== PT_STRING8 && base !== PT_UNICODE && base !== PT_BINARY && base !== PT_OBJECT) {
        throw new TnefError(`unknown MAPI property type 0x${base.toString(16)}`);
      }
      need(4);
      const len = buf.readUInt32LE(at);
      at += 4;
      need(len);
      const data = buf.subarray(at, at + len);
      at += pad4(len);
      if (v > 0 || multi) continue;
      if (base === PT_UNICODE) out.set(id, data.toString('utf16le').replace(/\0+$/, ''));
      else if (base === PT_STRING8) out.set(id, data.toString('latin1').replace(/\0+$/, ''));
      else out.set(id, base === PT_OBJECT ? data.subarray(16) : data);
    }
  }
  return out;
}

/** The attachments of a TNEF stream, in order. Throws TnefError when it is not one or is cut short. */
export function tnefAttachments(buf: Buffer): TnefAttachment[] {
  if (buf.length < 6 || buf.readUInt32LE(0) !== SIGNATURE)
    throw new TnefError('not a TNEF (winmail.dat) stream');
  const out: Array<{ name: string | null; long: string | null; bytes: Buffer | null }> = [];
  let current: (typeof out)[number] | null = null;
  let at = 6;
  let read = 0;
  while (at < buf.length) {
    const level = at + 9 <= buf.length ? buf.readUInt8(at) : -1;
    const id = level >= 0 ? buf.readUInt32LE(at + 1) : 0;
    const len = level >= 0 ? buf.readUInt32LE(at + 5) : 0;
    const start = at + 9;
    if (level < 1 || level > 2 || start + len + 2 > buf.length) {
      // Junk after the last whole attribute (mail gateways pad or cut): keep what was read.
      if (read > 0) break;
      throw new TnefError(`TNEF attribute cut short at byte ${at}`);
    }
    read++;
    const data = buf.subarray(start, start + len);
    at = start + len + 2; // the checksum is not needed to read
    if (level !== LVL_ATTACHMENT) continue;
    if (id === ATT_ATTACH_REND_DATA || !current) {
      current = { name: null, long: null, bytes: null };
      out.push(current);
      if (id === ATT_ATTACH_REND_DATA) continue;
    }
    if (id === ATT_ATTACH_TITLE) current.name = data.toString('latin1').replace(/\0+$/, '') || null;
    else if (id === ATT_ATTACH_DATA) current.bytes = Buffer.from(data);
    else if (id === ATT_ATTACHMENT) {
      const props = mapiProps(data);
      const long =
        props.get(PR_ATTACH_LONG_FILENAME) ?? props.get(PR_ATTACH_FILENAME) ?? props.get(PR_DISPLAY_NAME);
      if (typeof long === 'string' && long) current.long = long;
      const bin = props.get(PR_ATTACH_DATA_BIN);
      if (!current.bytes && Buffer.isBuffer(bin)) current.bytes = Buffer.from(bin);
    }
  }
  return out.filter((a) => a.bytes !== null).map((a) => ({ name: a.long ?? a.name, bytes: a.bytes! }));
}
