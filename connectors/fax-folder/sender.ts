import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * The sender's fax number as the gateway gives it: in the file name (HylaFAX-style
 * `fax-+34912345678-20261120.tif`, configurable pattern with one capture group) or in a sidecar
 * file beside the document (`<name>.txt`, `<name>.xml`, `<name>.json`) holding a line such as
 * `From: +34 912 345 678`, `CallerID=0034912345678` or `"sender": "+34..."`.
 */
export interface FaxSenderOptions {
  /** Regular expression whose first group is the number; default finds a +/00-prefixed or 9+ digit run. */
  filenamePattern: RegExp;
  sidecarExtensions: string[];
}

export const DEFAULT_FAX_SENDER: FaxSenderOptions = {
  filenamePattern: /(?:^|[^0-9+])((?:\+|00)\d{8,15}|\d{9,15})(?=[^0-9]|$)/,
  sidecarExtensions: ['.txt', '.xml', '.json', '.meta'],
};

const SIDECAR_FIELD =
  /(?:from|sender|caller[-_ ]?id|callerid|remote[-_ ]?(?:id|station)|tsi|cid|fax)["']?\s*[:=>]\s*["']?\s*((?:\+|00)?[\d][\d .()/-]{6,22}\d)/i;

/** Digits with a leading + (0034... becomes +34...); null when it does not look like a phone number. */
export function normaliseFaxNumber(raw: string): string | null {
  const trimmed = raw.trim();
  let digits = trimmed.replace(/[^\d]/g, '');
  if (trimmed.startsWith('00')) digits = digits.slice(2);
  else if (!trimmed.startsWith('+')) return digits.length >= 9 ? digits : null;
  return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
}

export function faxNumberFromFilename(name: string, opts = DEFAULT_FAX_SENDER): string | null {
  const m = opts.filenamePattern.exec(name.replace(/\.[a-z0-9]+$/i, ''));
  return m?.[1] ? normaliseFaxNumber(m[1]) : null;
}

export function faxNumberFromSidecar(text: string): string | null {
  const m = SIDECAR_FIELD.exec(text);
  return m?.[1] ? normaliseFaxNumber(m[1]) : null;
}

/** A sidecar holds a few lines; more than this is not read (a gateway's huge log is no sidecar). */
export const MAX_SIDECAR_BYTES = 64 * 1024;

/**
 * The first MAX_SIDECAR_BYTES of a sidecar; null when it is absent or not a plain file. Opened
 * without following links and without blocking, so a named pipe or a link planted under a
 * sidecar's name can neither hang the scan nor make it read a file outside the folder.
 */
export async function readSidecar(path: string): Promise<string | null> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    () => null,
  );
  if (!handle) return null;
  try {
    if (!(await handle.stat()).isFile()) return null;
    const buf = Buffer.alloc(MAX_SIDECAR_BYTES);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** Looks in the sidecars first (the gateway's own record), then in the file name. */
export async function findFaxSender(path: string, opts = DEFAULT_FAX_SENDER): Promise<string | null> {
  const stem = path.replace(/\.[a-z0-9]+$/i, '');
  for (const ext of opts.sidecarExtensions) {
    for (const candidate of [`${path}${ext}`, `${stem}${ext}`]) {
      if (candidate === path) continue;
      const text = await readSidecar(candidate);
      const found = text ? faxNumberFromSidecar(text) : null;
      if (found) return found;
    }
  }
  return faxNumberFromFilename(path.split('/').pop() ?? path, opts);
}
