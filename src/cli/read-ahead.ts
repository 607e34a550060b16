import { createHash } from 'node:crypto';
import { chooseFormat, type DocumentFormat, extractDocument, type FormatInput } from '../formats/registry.ts';
import { type DocumentReader, type ReadResult, THREADED_FORMATS } from '../worker/reader-pool.ts';

/**
 * Reading ahead for `extract`: the pipeline still takes the files one at a time in the order given
 * (so a repeated order is seen as a duplicate), but the documents after the current one are
 * already being read (decoded, rendered, cleaned up, OCR), up to the OCR pool's size, so every OCR
 * worker is busy and the main thread's work on one page overlaps OCR of the others. What a
 * document reads as does not depend on what came before it: the result is the same as reading it
 * when its turn comes.
 */
export class ReadAhead implements DocumentReader {
  private readonly started = new Map<string, Promise<ReadResult>>();

  constructor(
    private readonly formats: readonly DocumentFormat[],
    private readonly formatIds: readonly string[] = THREADED_FORMATS,
  ) {}

  reads(formatId: string): boolean {
    return this.formatIds.includes(formatId);
  }

  /** Starts reading this document now, for the pipeline's later `read` of the same name and bytes. */
  prefetch(input: FormatInput): void {
    const format = chooseFormat(input, this.formats);
    if (!format || !this.reads(format.id)) return;
    const key = keyOf(input);
    if (this.started.has(key)) return;
    const reading = extractDocument(input, this.formats);
    reading.catch(() => {}); // a failure is the pipeline's to see, when it asks for this document
    this.started.set(key, reading);
  }

  /** Documents started and not yet asked for. */
  get pending(): number {
    return this.started.size;
  }

  read(input: FormatInput): Promise<ReadResult> {
    const key = keyOf(input);
    const reading = this.started.get(key);
    if (!reading) return extractDocument(input, this.formats);
    this.started.delete(key); // a retry, or a second copy of the file, is read again
    return reading;
  }

  async close(): Promise<void> {
    const left = [...this.started.values()];
    this.started.clear();
    await Promise.allSettled(left);
  }
}

function keyOf(input: FormatInput): string {
  const sha = createHash('sha256').update(input.bytes).digest('hex');
  return `${input.filename ?? ''}\0${input.sender ?? ''}\0${sha}`;
}
