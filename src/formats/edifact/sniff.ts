import { head, stripBom } from './syntax.ts';

/** The interchange starts with UNA or UNB, after a BOM and blanks, followed by a separator. */
const START = /^UN[AB][^A-Za-z0-9\s]/;
/** UNA or UNB at the start of a line, after other text (junk a VAN or converter left). */
const LATER = /(?:^|[\r\n])[ \t]*(UN[AB][^A-Za-z0-9\s])/;
/** Junk is looked for in this many bytes only: a real interchange starts near the top. */
const JUNK_WINDOW = 4096;

/** Content sniffing: true when the bytes are a UN/EDIFACT interchange (UNA or UNB first). */
export function looksLikeEdifact(bytes: Buffer): boolean {
  return START.test(head(stripBom(bytes).bytes, 8));
}

/**
 * Where the interchange starts: 0 when the file starts with it (after a BOM and blanks), the
 * byte offset of a UNA/UNB that starts a line after some junk, -1 when there is none.
 */
export function edifactStart(bytes: Buffer): number {
  if (looksLikeEdifact(bytes)) return 0;
  const window = bytes.subarray(0, JUNK_WINDOW).toString('latin1');
  const m = LATER.exec(window);
  if (!m) return -1;
  const at = m.index + m[0].length - m[1]!.length;
  // A UNB needs its own separators after it; "UNB+" in a sentence is no interchange.
  const rest = window.slice(at, at + 40);
  return /^UN(A.{6}|B.UNO[A-Z].\d)/s.test(rest) ? at : -1;
}
