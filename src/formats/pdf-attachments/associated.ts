/**
 * PDF 2.0 / PDF/A-3 associated files (ISO 32000-2 §14.13): the `/AF` arrays of the document
 * catalog and of its pages, each a file specification whose `/EF` holds the embedded file stream.
 * Factur-X / Order-X writers normally also list the file in the EmbeddedFiles name tree (which
 * pdfjs reads), but some list it only under `/AF`; pdfjs has no API for those, so this module
 * reads just enough PDF syntax to find them: indirect objects (also inside object streams),
 * dictionaries, arrays, names, strings, references and Flate-compressed streams. Encrypted PDFs
 * are left to pdfjs. Everything is bounded: objects looked at, nesting, decoded sizes.
 */
import { inflateSync } from 'node:zlib';

class Name {
  constructor(readonly v: string) {}
}
class Ref {
  constructor(readonly num: number) {}
}
class Str {
  constructor(readonly bytes: Buffer) {}
}
type Value = null | boolean | number | Name | Ref | Str | Value[] | Dict;
type Dict = Map<string, Value>;
interface Obj {
  value: Value;
  /** Where the stream's data starts, for an object that is a stream (direct objects only). */
  streamAt?: number;
}

const MAX_DEPTH = 32;
const MAX_DECODED = 20 * 1024 * 1024;
const MAX_FILES = 20;
const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));

/** A parser of PDF values over `buf`, from `pos`. Throws on what it cannot read. */
class Parser {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  private skip(): void {
    const b = this.buf;
    while (this.pos < b.length) {
      if (WS.has(b[this.pos]!)) this.pos++;
      else if (b[this.pos] === 0x25)
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      else break;
    }
  }

  private regular(): string {
    const start = this.pos;
    while (this.pos < this.buf.length && !WS.has(this.buf[this.pos]!) && !DELIM.has(this.buf[this.pos]!))
      this.pos++;
    return this.buf.toString('latin1', start, this.pos);
  }

  /** The keyword (`stream`, `endobj`, ...) at the current position, without consuming it. */
  keyword(): string {
    this.skip();
    const at = this.pos;
    const word = this.regular();
    this.pos = at;
    return word;
  }

  value(depth = 0): Value {
    if (depth > MAX_DEPTH) throw new Error('nested too deep');
    this.skip();
    const b = this.buf;
    const c = b[this.pos];
    if (c === undefined) throw new Error('unexpected end');
    if (c === 0x3c && b[this.pos + 1] === 0x3c) {
      this.pos += 2;
      const dict: Dict = new Map();
      for (;;) {
        this.skip();
        if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
          this.pos += 2;
          return dict;
        }
        const key = this.value(depth + 1);
        if (!(key instanceof Name)) throw new Error('a dictionary key is no name');
        dict.set(key.v, this.value(depth + 1));
      }
    }
    if (c === 0x5b) {
      this.pos++;
      const arr: Value[] = [];
      for (;;) {
        this.skip();
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return arr;
        }
        arr.push(this.value(depth + 1));
      }
    }
    if (c === 0x2f) {
      this.pos++;
      return new Name(
        this.regular().replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) =>
          String.fromCharCode(Number.parseInt(h, 16)),
        ),
      );
    }
    if (c === 0x28) return this.literal();
    if (c === 0x3c) {
      const end = b.indexOf(0x3e, this.pos);
      if (end === -1) throw new Error('unterminated hex string');
      const hex = b.toString('latin1', this.pos + 1, end).replace(/[^0-9A-Fa-f]/g, '');
      this.pos = end + 1;
      return new Str(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
    }
    const word = this.regular();
    if (word === '') throw new Error(`unexpected character ${String.fromCharCode(c)}`);
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    const n = Number(word);
    if (!Number.isFinite(n)) throw new Error(`unexpected keyword ${word.slice(0, 20)}`);
    // `n g R`: a reference.
    const m = /^\s*(\d+)\s+R(?![^\s()<>[\]{}/%])/.exec(b.toString('latin1', this.pos, this.pos + 24));
    if (Number.isInteger(n) && m) {
      this.pos += m[0].length;
      return new Ref(n);
    }
    return n;
  }

  private literal(): Str {
    const b = this.buf;
    const out: number[] = [];
    let depth = 0;
    for (this.pos++; this.pos < b.length; this.pos++) {
      const c = b[this.pos]!;
      if (c === 0x5c) {
        const e = b[++this.pos]!;
        const map: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 102: 12 };
        if (e >= 0x30 && e <= 0x37) {
          let oct = '';
          while (oct.length < 3 && b[this.pos]! >= 0x30 && b[this.pos]! <= 0x37)
            oct += String.fromCharCode(b[this.pos++]!);
          this.pos--;
          out.push(Number.parseInt(oct, 8) & 0xff);
        } else if (e === 0x0d || e === 0x0a) {
          if (e === 0x0d && b[this.pos + 1] === 0x0a) this.pos++;
        } else out.push(map[e] ?? e);
      } else if (c === 0x28) {
        depth++;
        out.push(c);
      } else if (c === 0x29) {
        if (depth-- === 0) {
          this.pos++;
          return new Str(Buffer.from(out));
        }
        out.push(c);
      } else out.push(c);
    }
    throw new Error('unterminated string');
  }
}

/** The indirect objects of a PDF by number: direct definitions (the last wins), then object streams. */
class Objects {
  private readonly direct = new Map<number, number>();
  private readonly compressed = new Map<number, Value>();
  private readonly cache = new Map<number, Obj | null>();

  constructor(readonly buf: Buffer) {
    const text = buf.toString('latin1');
    for (const m of text.matchAll(/(?<![0-9])(\d{1,10})\s+(\d{1,5})\s+obj\b/g)) {
      this.direct.set(Number(m[1]), m.index + m[0].length);
    }
    for (const [num, at] of this.direct) {
      // Only object streams are opened now; their dictionaries are short.
      if (!text.slice(at, at + 300).includes('/ObjStm')) continue;
      const obj = this.get(num);
      if (obj?.value instanceof Map && name(obj.value.get('Type')) === 'ObjStm') this.unpack(obj);
    }
  }

  get(num: number): Obj | null {
    if (this.cache.has(num)) return this.cache.get(num)!;
    let obj: Obj | null = null;
    const at = this.direct.get(num);
    if (at !== undefined) {
      try {
        const p = new Parser(this.buf, at);
        const value = p.value();
        obj = { value };
        if (value instanceof Map && p.keyword() === 'stream') {
          let s = this.buf.indexOf('stream', p.pos) + 6;
          if (this.buf[s] === 0x0d) s++;
          if (this.buf[s] === 0x0a) s++;
          obj.streamAt = s;
        }
      } catch {
        obj = null;
      }
    } else if (this.compressed.has(num)) obj = { value: this.compressed.get(num)! };
    this.cache.set(num, obj);
    return obj;
  }

  resolve(v: Value | undefined, depth = 0): Value | undefined {
    if (v instanceof Ref && depth < 8) return this.resolve(this.get(v.num)?.value, depth + 1);
    return v;
  }

  /** The decoded data of a stream object; null when it cannot be decoded. */
  data(obj: Obj): Buffer | null {
    if (obj.streamAt === undefined || !(obj.value instanceof Map)) return null;
    const dict = obj.value;
    const length = this.resolve(dict.get('Length'));
    let end = typeof length === 'number' && length >= 0 ? obj.streamAt + length : -1;
    if (
      end < 0 ||
      end > this.buf.length ||
      !/^\s*endstream/.test(this.buf.toString('latin1', end, end + 12))
    ) {
      end = this.buf.indexOf('endstream', obj.streamAt);
      if (end === -1) return null;
    }
    const raw = this.buf.subarray(obj.streamAt, end);
    const filter = this.resolve(dict.get('Filter'));
    const filters = (Array.isArray(filter) ? filter : filter === undefined ? [] : [filter]).map((f) =>
      name(this.resolve(f)),
    );
    let data: Buffer = raw;
    try {
      for (const f of filters) {
        if (f === 'FlateDecode' || f === 'Fl') data = inflateSync(data, { maxOutputLength: MAX_DECODED });
        else if (f === 'ASCIIHexDecode' || f === 'AHx')
          data = Buffer.from(
            data
              .toString('latin1')
              .replace(/>.*$/s, '')
              .replace(/[^0-9A-Fa-f]/g, ''),
            'hex',
          );
        else return null;
      }
    } catch {
      return null;
    }
    return data.length <= MAX_DECODED ? data : null;
  }

  private unpack(stream: Obj): void {
    const dict = stream.value as Dict;
    const n = this.resolve(dict.get('N'));
    const first = this.resolve(dict.get('First'));
    const data = this.data(stream);
    if (!data || typeof n !== 'number' || typeof first !== 'number') return;
    const header = data.toString('latin1', 0, first).trim().split(/\s+/).map(Number);
    for (let i = 0; i + 1 < header.length && i / 2 < n; i += 2) {
      const [num, offset] = [header[i]!, header[i + 1]!];
      if (this.direct.has(num) || this.compressed.has(num)) continue;
      try {
        this.compressed.set(num, new Parser(data, first + offset).value());
      } catch {
        // One unreadable object does not hide the others.
      }
    }
  }
}

const name = (v: Value | undefined): string | null => (v instanceof Name ? v.v : null);

/** A PDF text string: UTF-16 with its byte-order mark, UTF-8 with its, else PDFDocEncoding (~Latin-1). */
function text(v: Value | undefined): string | null {
  if (!(v instanceof Str)) return null;
  const b = v.bytes;
  if (b[0] === 0xfe && b[1] === 0xff) {
    // A damaged string may hold an odd number of bytes: the last half character is dropped.
    const even = b.subarray(2, 2 + ((b.length - 2) & ~1));
    return Buffer.from(even).swap16().toString('utf16le');
  }
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
  return b.toString('latin1');
}

export interface AssociatedFile {
  name: string;
  bytes: Buffer;
}

/** The files the catalog's and the pages' `/AF` arrays name; empty when there are none or the PDF cannot be read so. */
export function associatedFiles(bytes: Buffer): AssociatedFile[] {
  const head = bytes.toString('latin1');
  if (/\/Encrypt\s*(?:\d+\s+\d+\s+R|<<)/.test(head)) return [];
  const root = [...head.matchAll(/\/Root\s+(\d+)\s+\d+\s+R/g)].pop();
  if (!root) return [];
  const objects = new Objects(bytes);
  const catalog = objects.resolve(new Ref(Number(root[1])));
  if (!(catalog instanceof Map)) return [];
  const holders: Dict[] = [catalog, ...pages(objects, objects.resolve(catalog.get('Pages')))];
  const out: AssociatedFile[] = [];
  const seen = new Set<Value>();
  for (const holder of holders) {
    const af = objects.resolve(holder.get('AF'));
    for (const entry of Array.isArray(af) ? af : []) {
      const spec = objects.resolve(entry);
      if (!(spec instanceof Map) || seen.has(spec) || out.length >= MAX_FILES) continue;
      seen.add(spec);
      const ef = objects.resolve(spec.get('EF'));
      if (!(ef instanceof Map)) continue;
      const ref = ef.get('UF') ?? ef.get('F');
      const stream = ref instanceof Ref ? objects.get(ref.num) : null;
      const data = stream ? objects.data(stream) : null;
      if (!data) continue;
      const fileName =
        text(objects.resolve(spec.get('UF'))) ?? text(objects.resolve(spec.get('F'))) ?? 'attachment';
      out.push({ name: fileName, bytes: data });
    }
  }
  return out;
}

/** The page dictionaries under a page tree node (loops and depth bounded). */
function pages(objects: Objects, node: Value | undefined, depth = 0, seen = new Set<Value>()): Dict[] {
  if (!(node instanceof Map) || depth > MAX_DEPTH || seen.has(node) || seen.size > 10_000) return [];
  seen.add(node);
  const kids = objects.resolve(node.get('Kids'));
  if (!Array.isArray(kids)) return [node];
  return kids.flatMap((k) => pages(objects, objects.resolve(k), depth + 1, seen));
}
