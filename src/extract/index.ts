/** Extraction of orders from pages of words (PDF text layers, OCR): pure, no I/O but template loading. */
export { type DateOrder, dateAtStart, dateOrderOf, parseDate } from './dates.ts';
export {
  type ExtractHints,
  type ExtractOptions,
  extractOrders,
  GENERIC_CAP,
  LOW_CONFIDENCE,
} from './extract.ts';
export { findLabels, type LabelHit } from './header.ts';
export { bare, type Cell, cellsOf, groupLines, type TextLine } from './layout.ts';
export { detectNumberFormat, formatEvidence, type NumberFormat, parseNumber } from './numbers.ts';
export { validGtin } from './rows.ts';
export { loadTemplates, matchTemplate, type Template, toTemplate } from './templates.ts';
