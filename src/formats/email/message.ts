/**
 * An e-mail message as order-capture sees it: who sent it, the documents it carries (PDF, TIFF,
 * images; inside forwarded messages too) and the typed body with replies and signature cut off.
 * mailparser does the MIME work (charsets, quoted-printable, base64, HTML to text).
 */
import { loadSharp } from '../../documents/sharp.ts';
import { type DocumentKind, sniffDocumentKind } from '../../documents/index.ts';
import { storableText } from '../../domain/text.ts';
import { structuredFormatOf } from '../structured.ts';
import { type TnefAttachment, tnefAttachments } from './tnef.ts';

let mailparser: Promise<typeof import('mailparser')> | null = null;
/** mailparser, loaded with the first message: runs that read no mail never pay its start-up. */
function loadMailparser(): Promise<typeof import('mailparser')> {
  mailparser ??= import('mailparser');
  return mailparser;
}

/** A document carried by the message. */
export interface MailDocument {
  /** File name as sent, or a made-up one (`attachment-2.pdf`) when it had none. */
  name: string;
  kind: DocumentKind;
  bytes: Buffer;
}

/** A structured order file carried by the message (EDIFACT, X12, UBL, cXML, Order-X, XLSX, CSV). */
export interface StructuredPart {
  name: string;
  bytes: Buffer;
}

export interface ParsedMessage {
  /** The sender's address, lower case. */
  from: string | null;
  subject: string;
  messageId: string | null;
  documents: MailDocument[];
  /** Structured order files, read by their own readers instead of as paper. */
  structured: StructuredPart[];
  /** Parts that were not taken as documents, and why (a logo, an unreadable winmail.dat...). */
  skipped: Array<{ name: string; reason: string }>;
  /** The typed body without quoted replies and signature; null when there is none. */
  body: string | null;
  /** A fax number a fax-to-mail gateway put in a header, the subject or body ("Fax from +34 91 ..."). */
  faxNumber: string | null;
  /** The To: and Cc: addresses, lower case: whom the sender wrote to. */
  to: string[];
  /** Every `Authentication-Results` header (RFC 8601), unfolded, without the header name. */
  authenticationResults: string[];
}

/**
 * Images below these are logos, signature pictures and tracking pixels, not scanned orders: a
 * scanned A4 page is at least ~800 px across and tens of kilobytes even as a small JPEG.
 */
export const MIN_PAGE_PIXELS = 600;
export const MIN_PAGE_BYTES = 15_000;
/** Forwarded messages inside forwarded messages: followed this deep. */
const MAX_DEPTH = 3;
/** Attachment names are shown to people, never used as paths; longer ones are cut. */
const MAX_NAME_LENGTH = 200;

/**
 * An attachment name as a sender wrote it, made safe to show and store: only the last path
 * component (`../../etc/passwd` is `passwd`), no control characters (PostgreSQL refuses NUL),
 * at most MAX_NAME_LENGTH characters. Null when nothing is left.
 */
export function attachmentName(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const last = raw.split(/[/\\]/).pop() ?? '';
  const clean = storableText(last)
    .replace(/[\p{Cc}\uFFFD]/gu, '')
    .trim();
  if (clean === '' || clean === '.' || clean === '..') return null;
  return clean.length > MAX_NAME_LENGTH ? `${clean.slice(0, MAX_NAME_LENGTH - 1)}…` : clean;
}

/** Archives are reported, never unpacked: a zip is not an order, and may be a zip bomb. */
function archiveKind(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 8).toString('latin1');
  if (head.startsWith('PK\x03\x04') || head.startsWith('PK\x05\x06')) return 'ZIP';
  if (head.startsWith('Rar!')) return 'RAR';
  if (head.startsWith("7z\xbc\xaf'\x1c")) return '7-Zip';
  if (head.startsWith('\x1f\x8b')) return 'gzip';
  return null;
}

/** True when the bytes start like an RFC 5322 message (header lines), for format scoring. */
export function looksLikeEmail(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4096).toString('latin1');
  const headers = head.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const names = [...headers.matchAll(/^([A-Za-z-]+):/gm)].map((m) => m[1]!.toLowerCase());
  const known = [
    'from',
    'to',
    'subject',
    'date',
    'message-id',
    'mime-version',
    'content-type',
    'received',
    'return-path',
  ];
  if (!/^[A-Za-z-]+:/.test(head)) return false;
  // A bare MIME entity (MHTML, a saved part) starts with its multipart Content-Type alone.
  return names.filter((n) => known.includes(n)).length >= 2 || /^content-type:\s*multipart\//im.test(headers);
}

const FAX_IN_TEXT = /\bfax\b[^+\d\n]{0,30}((?:\+|00)\d(?:[\s.-]?\d){6,14})/i;

/** Cuts quoted replies ("> ...", "On ... wrote:", "El ... escribió:", Outlook headers) and the signature. */
export function stripReplies(text: string): string {
  const out: string[] = [];
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    if (/^-- ?$/.test(line)) break; // RFC 3676 signature separator
    if (/^\s*-{2,}\s*(Original Message|Mensaje original|Forwarded message|Mensaje reenviado)/i.test(line))
      break;
    if (/^(On|El|Le|Am) .{4,200}(wrote|escribió|a écrit|schrieb):\s*$/i.test(line)) break;
    if (/^(From|De):\s.+/.test(line) && out.some((l) => l.trim() !== '')) {
      // An Outlook reply header block ("From: ... Sent: ...") starts the quoted part.
      break;
    }
    if (/^\s*>/.test(line)) continue;
    out.push(line);
  }
  return out.join('\n').trim();
}

function extOf(kind: DocumentKind, contentType: string): string {
  if (kind === 'pdf') return 'pdf';
  if (kind === 'tiff') return 'tif';
  return contentType.includes('png') ? 'png' : 'jpg';
}

async function isPicture(bytes: Buffer): Promise<string | null> {
  if (bytes.length < MIN_PAGE_BYTES) return `an image of ${bytes.length} bytes (a logo or signature picture)`;
  try {
    // Headers only: a pixel bomb is measured here and refused by the document reader with its size.
    const sharp = await loadSharp();
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    const side = Math.min(meta.width ?? 0, meta.height ?? 0);
    if (side < MIN_PAGE_PIXELS)
      return `an image of ${meta.width} x ${meta.height} pixels (a logo or picture)`;
  } catch {
    return 'an image that could not be decoded';
  }
  return null;
}

/** The documents inside a winmail.dat; one that cannot be read is named as such (a person looks). */
async function fromTnef(bytes: Buffer, name: string, into: ParsedMessage): Promise<void> {
  let inner: TnefAttachment[];
  try {
    inner = tnefAttachments(bytes);
  } catch (err) {
    into.skipped.push({
      name,
      reason: `a winmail.dat (TNEF) that could not be read: ${(err as Error).message}`,
    });
    return;
  }
  for (const [i, t] of inner.entries()) {
    const kind = sniffDocumentKind(t.bytes);
    const inside = `${name}/${attachmentName(t.name) ?? `attachment-${i + 1}`}`;
    const picture = kind === 'image' ? await isPicture(t.bytes) : null;
    if (!kind) into.skipped.push({ name: inside, reason: 'not a document' });
    else if (picture) into.skipped.push({ name: inside, reason: picture });
    else into.documents.push({ name: inside, kind, bytes: t.bytes });
  }
}

async function collect(bytes: Buffer, depth: number, into: ParsedMessage, top: boolean): Promise<void> {
  const { simpleParser } = await loadMailparser();
  const mail = await simpleParser(bytes, { skipImageLinks: true, skipTextToHtml: true });
  if (top) {
    into.from = mail.from?.value[0]?.address?.toLowerCase() ?? null;
    into.subject = mail.subject ?? '';
    into.messageId = mail.messageId ?? null;
    const body = mail.text ? stripReplies(mail.text) : '';
    into.body = body === '' ? null : body;
    const header = mail.headers.get('x-fax-sender');
    const fax = FAX_IN_TEXT.exec(
      `${typeof header === 'string' ? `fax ${header}\n` : ''}${into.subject}\n${body}`,
    );
    into.faxNumber = fax ? fax[1]!.replace(/[\s().-]/g, '').replace(/^00/, '+') : null;
    into.to = [mail.to, mail.cc]
      .flatMap((a) => (a ? (Array.isArray(a) ? a : [a]) : []))
      .flatMap((a) => a.value.map((v) => v.address?.toLowerCase() ?? ''))
      .filter((a) => a.includes('@'));
    into.authenticationResults = mail.headerLines
      .filter((h) => h.key === 'authentication-results')
      .map((h) => h.line.replace(/\r?\n[ \t]+/g, ' ').replace(/^[^:]*:\s*/, ''));
  }
  for (const [i, a] of mail.attachments.entries()) {
    const type = (a.contentType ?? 'application/octet-stream').toLowerCase();
    const sent = attachmentName(a.filename);
    const name = sent ?? `attachment-${into.documents.length + into.skipped.length + 1}`;
    if (type === 'message/rfc822') {
      if (depth >= MAX_DEPTH) into.skipped.push({ name, reason: 'a forwarded message nested too deep' });
      else await collect(a.content, depth + 1, into, false);
      continue;
    }
    if (
      type === 'application/ms-tnef' ||
      type === 'application/vnd.ms-tnef' ||
      /^winmail\.dat$/i.test(a.filename ?? '')
    ) {
      await fromTnef(a.content, name, into);
      continue;
    }
    // An EDI file, an XML order or an order sheet: read by its format's reader, never OCR'd.
    if (structuredFormatOf({ bytes: a.content, filename: a.filename ?? null, contentType: type })) {
      into.structured.push({ name: sent ?? `attachment-${i + 1}`, bytes: a.content });
      continue;
    }
    // Content decides, not the declared type: Outlook sends PDFs as application/octet-stream.
    const kind = sniffDocumentKind(a.content);
    const archive = kind ? null : archiveKind(a.content);
    if (archive) {
      into.skipped.push({
        name,
        reason: `a ${archive} archive; archives are not unpacked, send the order itself`,
      });
      continue;
    }
    if (!kind) {
      into.skipped.push({ name, reason: `not a document (${type})` });
      continue;
    }
    if (kind === 'image') {
      const why = await isPicture(a.content);
      if (why) {
        into.skipped.push({ name, reason: why });
        continue;
      }
    }
    const fallback = `attachment-${i + 1}.${extOf(kind, type)}`;
    into.documents.push({ name: sent ?? fallback, kind, bytes: a.content });
  }
}

/** Parses a raw message (.eml bytes). Throws only when mailparser cannot read it at all. */
export async function parseMessage(bytes: Buffer): Promise<ParsedMessage> {
  const into: ParsedMessage = {
    from: null,
    subject: '',
    messageId: null,
    documents: [],
    structured: [],
    skipped: [],
    body: null,
    faxNumber: null,
    to: [],
    authenticationResults: [],
  };
  await collect(bytes, 0, into, true);
  return into;
}
