import type { Channel } from '../domain/document.ts';
import type { ExtractOutcome } from '../domain/extraction.ts';

export interface FormatInput {
  bytes: Buffer;
  filename: string | null;
  contentType: string | null;
  /** The channel's sender (e-mail address, fax number), a hint for finding the customer. */
  sender?: string | null;
}

/**
 * A reader for one document format. The pipeline asks every registered format for its score and
 * hands the document to the best one (STYLE.md: readers chosen by score), so EDIFACT never goes
 * near OCR. An implementation MUST NOT throw on malformed input: it returns a rejected outcome
 * whose findings say, in words a person understands, what is wrong. It MUST NOT touch the
 * database or the network: bytes in, outcome out.
 */
export interface DocumentFormat {
  readonly id: string;
  /**
   * The channel a file of this format belongs to when it arrives without one (CLI). A document's
   * channel is what it is (EDI, e-mail, fax); its transport (folder, HTTP, IMAP, AS2) is apart.
   */
  readonly channel: Channel;
  /** 0: not this format; 1: certain. Content decides; the file name is only a hint. */
  score(input: FormatInput): number;
  extract(input: FormatInput): Promise<ExtractOutcome>;
}

/** The format that scores highest for the input, at least `min`; the first listed wins a tie. */
export function bestFormat(
  formats: readonly DocumentFormat[],
  input: FormatInput,
  min = Number.MIN_VALUE,
): DocumentFormat | null {
  let best: DocumentFormat | null = null;
  let bestScore = 0;
  for (const f of formats) {
    const s = f.score(input);
    if (s >= min && s > bestScore) [best, bestScore] = [f, s];
  }
  return best;
}

/** The extension of a file name, lower case, without the dot ('' when none). */
export const ext = (name: string | null): string => name?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
