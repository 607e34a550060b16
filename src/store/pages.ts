import type { Queryable } from '../db/db.ts';
import { insertMany } from '../db/insert-many.ts';
import type { Page } from '../domain/page.ts';
import { groupLines } from '../extract/layout.ts';
import { putBlob } from './blobs.ts';

/** Stores the pages a reader produced: the image as a blob, the words, and the page text. */
export async function insertPages(q: Queryable, documentId: number, pages: Page[]): Promise<void> {
  const rows: unknown[][] = [];
  for (const p of pages) {
    const image = p.image ? await putBlob(q, p.image) : null;
    rows.push([
      documentId,
      p.number,
      p.width,
      p.height,
      p.source,
      p.confidence,
      image,
      JSON.stringify(p.words),
      pageText(p),
    ]);
  }
  await insertMany(
    q,
    `INSERT INTO document_pages (document_id, page_no, width, height, source, confidence, image_sha256,
                                 words, text)`,
    rows,
    {
      casts: ['', '', '', '', '', '', '', '::jsonb', ''],
      suffix: 'ON CONFLICT (document_id, page_no) DO NOTHING',
    },
  );
}

/** The page's text in reading order, with the extractor's own line grouping. */
export function pageText(p: Page): string {
  return groupLines([p])
    .map((l) => l.text)
    .join('\n');
}

export interface StoredPage {
  page_no: number;
  width: number;
  height: number;
  source: string;
  confidence: number;
  image_sha256: string | null;
}

export function pagesOf(q: Queryable, documentId: number): Promise<StoredPage[]> {
  return q.query<StoredPage>(
    `SELECT page_no, width, height, source, confidence, image_sha256 FROM document_pages
      WHERE document_id = $1 ORDER BY page_no`,
    [documentId],
  );
}
