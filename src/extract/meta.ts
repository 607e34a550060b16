/** Field readings with their confidence and box, shared by the header, table and template steps. */
import type { FieldMeta } from '../domain/extraction.ts';
import type { Word } from '../domain/page.ts';
import { boxOf, minConfidence } from './layout.ts';

/** How a value was found; the factor scales the OCR confidence of its words. */
export const FOUND_BY = {
  /** Anchored by a template's own label or column. */
  template: 1,
  /** An exact vocabulary label, or a table column under an exact header. */
  label: 1,
  /** A label or header read through one OCR slip. */
  fuzzyLabel: 0.85,
  /** A pattern anywhere in the text (tax id, currency sign). */
  pattern: 0.9,
  /** A guess from layout alone (a company-looking line as the customer name). */
  layout: 0.85,
} as const;

/** A value read from words, with the meta the extraction records for it. */
export interface Reading<T> {
  value: T;
  words: Word[];
  page: number;
  confidence: number;
  /** What a person should know about how the value was taken (a repair), for the finding. */
  note?: string;
}

export function reading<T>(value: T, words: Word[], page: number, factor: number): Reading<T> {
  return { value, words, page, confidence: minConfidence(words) * factor };
}

export function metaOf(r: Reading<unknown>): FieldMeta {
  return { confidence: round3(r.confidence), source: boxOf(r.page, r.words) };
}

/** Moves a confidence halfway towards 1 (a cross-check agreed) or scales it down (one disagreed). */
export function raise(c: number): number {
  return c + (1 - c) * 0.5;
}

export function lower(c: number, factor = 0.75): number {
  return c * factor;
}

/** Confidence of a value repaired to fit its expected shape: under LOW_CONFIDENCE until a second reading agrees. */
export const REPAIRED = 0.7;

export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
