/** The messages between the reader pool (main thread) and its reader threads. */
import type { ExtractOutcome } from '../domain/extraction.ts';
import type { Template } from '../extract/index.ts';
import type { OcrResult, RecognizeOptions } from '../ocr/index.ts';
import type { FormatInput } from '../formats/registry.ts';

import type { KnownLayout } from '../learn/model.ts';

export type ToThread =
  | { type: 'read'; job: number; input: FormatInput; templates: Template[]; layouts: KnownLayout[] }
  | { type: 'ocr-result'; ocrId: number; result: OcrResult }
  | { type: 'ocr-result'; ocrId: number; error: string };

export type FromThread =
  | { type: 'ready' }
  | { type: 'format'; job: number; format: string }
  | { type: 'ocr'; job: number; ocrId: number; png: Uint8Array; opts?: RecognizeOptions }
  | { type: 'done'; job: number; result: { format: string | null; outcome: ExtractOutcome } }
  | { type: 'failed'; job: number; error: string };

/** A Buffer sent to another thread arrives as a plain Uint8Array: this makes it a Buffer again. */
export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
