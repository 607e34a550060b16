/** UN/EDIFACT ORDERS reader: bytes in, ExtractOutcome out. No database, no I/O. */
export { readEdifact } from './read.ts';
export { looksLikeEdifact } from './sniff.ts';
