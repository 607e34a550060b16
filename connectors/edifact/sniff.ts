import { head, stripBom } from './syntax.ts';

/** The interchange starts with UNA or UNB, after a BOM and blanks, followed by a separator. */
const START = /^UN[AB][^A-Za-z0-9\s]/;

/** Content sniffing: true when the bytes are a UN/EDIFACT interchange (UNA or UNB first). */
export function looksLikeEdifact(bytes: Buffer): boolean {
  return START.test(head(stripBom(bytes).bytes, 8));
}
