/**
 * AS2 messages (RFC 4130) as an AS2 server stores them: HTTP-style headers (AS2-From, AS2-To,
 * Message-ID) and a MIME body, the EDI payload alone or signed (S/MIME `multipart/signed`). The
 * payload is read by its own structured reader; the signature is checked when the sender's
 * certificate is configured. A missing or failing signature is a finding (`unverified_signature`),
 * never a lost order. Encrypted messages (`application/pkcs7-mime`) are refused with the reason.
 */
import type { ExtractOutcome } from '../../domain/extraction.ts';
import { type Finding, finding } from '../../domain/findings.ts';
import { readStructured, structuredFormatOf } from '../structured.ts';
import { verifyDetached } from './cms.ts';

export interface As2Options {
  /** PEM certificates by AS2-From id (case-insensitive); absent: signatures are not checked. */
  certificates?: Record<string, string>;
}

interface Part {
  headers: Map<string, string>;
  /** Header and body as sent: what an S/MIME signature covers. */
  raw: Buffer;
  body: Buffer;
}

function splitPart(raw: Buffer): Part {
  let end = raw.indexOf('\r\n\r\n');
  let sep = 4;
  if (end === -1 || (raw.indexOf('\n\n') !== -1 && raw.indexOf('\n\n') < end)) {
    end = raw.indexOf('\n\n');
    sep = 2;
  }
  if (end === -1) return { headers: new Map(), raw, body: raw };
  const headers = new Map<string, string>();
  const text = raw
    .subarray(0, end)
    .toString('latin1')
    .replace(/\r?\n[ \t]+/g, ' ');
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (m) headers.set(m[1]!.toLowerCase(), m[2]!.trim());
  }
  return { headers, raw, body: raw.subarray(end + sep) };
}

function param(header: string | undefined, name: string): string | null {
  const m = new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header ?? '');
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function decodeBody(p: Part): Buffer {
  const enc = p.headers.get('content-transfer-encoding')?.toLowerCase();
  if (enc === 'base64') return Buffer.from(p.body.toString('latin1').replace(/\s+/g, ''), 'base64');
  if (enc === 'quoted-printable') {
    const text = p.body.toString('latin1').replace(/=\r?\n/g, '');
    return Buffer.from(
      text.replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
      'latin1',
    );
  }
  return p.body;
}

/** The parts of a multipart body, each as sent (the CRLF before a boundary belongs to it). */
function multipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    let start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    start += body[start] === 0x0d ? 2 : 1;
    let next = body.indexOf(delimiter, start);
    if (next === -1) next = body.length;
    let end = next;
    if (body[end - 1] === 0x0a) end--;
    if (body[end - 1] === 0x0d) end--;
    parts.push(body.subarray(start, end));
    at = next === body.length ? -1 : next;
  }
  return parts;
}

export function looksLikeAs2(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4096).toString('latin1');
  const headers = head.split(/\r?\n\r?\n/, 1)[0] ?? '';
  return /^(AS2-From|AS2-Version):/im.test(headers) && /^Content-Type:/im.test(headers);
}

export async function readAs2(bytes: Buffer, opts: As2Options = {}): Promise<ExtractOutcome> {
  const message = splitPart(bytes);
  const from = message.headers.get('as2-from')?.replace(/^"|"$/g, '') ?? null;
  const type = message.headers.get('content-type') ?? '';
  const findings: Finding[] = [];
  const cert = from
    ? Object.entries(opts.certificates ?? {}).find(([k]) => k.toLowerCase() === from.toLowerCase())?.[1]
    : undefined;
  let payload: Part;
  const signed = /^multipart\/signed/i.test(type);
  let checked = false;
  if (signed) {
    const [signed, sig] = multipart(message.body, param(type, 'boundary') ?? '');
    if (!signed)
      return reject('unreadable_document', 'The AS2 message is signed but its signed part cannot be found.');
    payload = splitPart(signed);
    if (!cert) {
      findings.push(
        finding(
          'unverified_signature',
          'info',
          null,
          `The AS2 message is signed, but no certificate is configured for ${from ?? 'its sender'}: the signature was not checked.`,
        ),
      );
    } else {
      const check = sig
        ? verifyDetached(signed, decodeBody(splitPart(sig)), cert)
        : { ok: false as const, reason: 'it is missing' };
      checked = check.ok;
      if (!check.ok)
        findings.push(
          finding(
            'unverified_signature',
            'warning',
            null,
            `The signature of the AS2 message from ${from} fails: ${check.reason}.`,
          ),
        );
    }
  } else if (/^application\/(pkcs7-mime|x-pkcs7-mime)/i.test(type)) {
    return reject(
      'unreadable_document',
      'The AS2 message is encrypted (S/MIME enveloped data); order-capture reads only unencrypted payloads.',
    );
  } else {
    payload = message;
    if (cert)
      findings.push(
        finding(
          'unverified_signature',
          'warning',
          null,
          `The AS2 message from ${from} is not signed, though its certificate is configured.`,
        ),
      );
  }
  const content = decodeBody(payload);
  const input = { bytes: content, filename: null, contentType: payload.headers.get('content-type') ?? null };
  // A payload that is itself an AS2 message (or a message without a header/body break, whose
  // "payload" is the message itself) would be read again and again: one level is all there is.
  if (structuredFormatOf(input)?.id === 'as2')
    return reject(
      'unreadable_document',
      'The AS2 payload is another AS2 message, which is not an order.',
      findings,
    );
  const found = await readStructured(input);
  if (!found)
    return reject(
      'unreadable_document',
      `The AS2 payload (${payload.headers.get('content-type') ?? 'no content type'}) is not an order format order-capture reads.`,
      findings,
    );
  const outcome = found.outcome;
  if (outcome.kind !== 'orders') return { ...outcome, findings: [...findings, ...outcome.findings] };
  const signature = !signed ? 'unsigned' : checked ? 'signature verified' : 'signature not verified';
  for (const o of outcome.orders) {
    // The AS2 sender id names the trading partner, after the ids in the payload itself.
    if (from && !o.evidence.partyIds.includes(from)) o.evidence.partyIds.push(from);
    const note = `Received by AS2 from ${from ?? 'an unnamed sender'} (${signature})`;
    o.order.notes = o.order.notes ? `${note}. ${o.order.notes}` : note;
  }
  return { ...outcome, format: found.format, findings: [...findings, ...outcome.findings] };
}

function reject(code: 'unreadable_document', message: string, more: Finding[] = []): ExtractOutcome {
  return { kind: 'rejected', findings: [...more, finding(code, 'error', null, message)] };
}
