import type { FieldSource } from '../../domain/extraction.ts';
import type { Draft } from '../common/draft.ts';
import type { Segment } from './tokenize.ts';
import { decimal, isoDate, text } from './values.ts';

/** Where a value was read: the segment itself. */
export function segmentSource(s: Segment): FieldSource {
  return { kind: 'segment', index: s.index, tag: s.tag, text: s.raw };
}

/**
 * Fills the shared order Draft (src/formats/common/draft.ts) in EDIFACT terms: sources are
 * segments, numbers use the interchange's decimal mark, dates their 2379 format code, and a value
 * that cannot be read is null with a warning naming the segment.
 */
export class SegmentReader {
  constructor(
    readonly draft: Draft,
    readonly decimalMark: string,
  ) {}

  /** Records that canonical path `field` was read from segment `s`. */
  source(field: string, s: Segment): void {
    this.draft.source(field, segmentSource(s));
  }

  warn(field: string | null, s: Segment, message: string): void {
    this.draft.warn(field, `segment ${s.index} (${s.tag}): ${message}`, 'invalid_edifact');
  }

  /** A numeric component as a number; a value that is no number is null with a warning. */
  number(s: Segment, e: number, c: number, field: string | null): number | null {
    const raw = text(s, e, c);
    const n = decimal(raw, this.decimalMark);
    if (n !== undefined) return n;
    this.warn(field, s, `"${raw}" is not a number`);
    return null;
  }

  /** A DTM segment's date as ISO; an unreadable date is null with a warning. */
  date(s: Segment, field: string | null): string | null {
    const raw = text(s, 0, 1);
    const format = text(s, 0, 2);
    const iso = isoDate(raw, format);
    if (iso !== undefined) return iso;
    this.warn(field, s, `"${raw}" is not a date in format ${format ?? '(none)'}`);
    return null;
  }
}
