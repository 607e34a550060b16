/** ANSI X12 850 reader: bytes in, ExtractOutcome out. No database, no I/O. */
import type { DocumentFormat } from '../registry.ts';
import { readX12 } from './read.ts';
import { x12Start } from './syntax.ts';

export { readX12 } from './read.ts';
export { x12Start } from './syntax.ts';

export const x12Format: DocumentFormat = {
  id: 'x12',
  channel: 'edi',
  // Junk before the ISA scores lower, so an e-mail that quotes an interchange stays an e-mail.
  score: ({ bytes, filename }) => {
    const at = x12Start(bytes);
    if (at === 0) return 1;
    if (at > 0) return 0.7;
    return /\.(x12|850)$/i.test(filename ?? '') ? 0.1 : 0;
  },
  extract: async ({ bytes }) => readX12(bytes),
};
