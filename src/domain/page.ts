/**
 * A document page as the readers see it: words with boxes, from a PDF text layer or from OCR.
 * Coordinates are in the page image's pixels (PDF text layers: points scaled to the rendered
 * image, so the review UI can draw a field's box on the page image), origin top-left.
 */
export interface Word {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** 0..1: OCR word confidence; 1 for a PDF text layer. */
  confidence: number;
}

export interface Page {
  /** 1-based. */
  number: number;
  width: number;
  height: number;
  words: Word[];
  /** How the words were read. */
  source: 'text-layer' | 'ocr';
  /** The page as PNG, kept for the review screen (absent when rendering was not possible). */
  image: Buffer | null;
  /** Mean OCR confidence of the page, 0..1 (1 for a text layer). */
  confidence: number;
}
