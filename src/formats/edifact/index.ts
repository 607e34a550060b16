/** UN/EDIFACT ORDERS reader: bytes in, ExtractOutcome out. No database, no I/O. */
export { readEdifact } from './read.ts';
export { edifactStart, looksLikeEdifact } from './sniff.ts';
