/**
 * How fast the review screen opens: a two-page G4 fax is read (OCR, page images stored ahead of
 * time, as the pipeline does), then an operator's GET of its review screen, and of each page
 * image, is timed over HTTP on a listening server. Prints the median and 95th percentile.
 * Target: under 300 ms for the screen.
 *
 *   node bin/run-ts.js scripts/bench-review.ts [--runs N]
 */
import { parseArgs } from 'node:util';
import { FAX_LINES, faxTiff } from '../src/documents/testing.ts';
import { submit } from '../src/pipeline/submit.ts';
import { createReviewBench } from '../src/review/testing.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '40' } } });
const runs = Number(values.runs);
const bench = await createReviewBench();
try {
  const tiff = await faxTiff(
    [FAX_LINES, FAX_LINES.map((l) => l.replace('PEDIDO', 'PEDIDO (cont.)'))],
    'fine',
  );
  const { documentId } = await submit(bench.p.db, {
    channel: 'fax',
    sourceRef: 'bench-review',
    sender: '+34912345678',
    receivedAt: new Date(),
    filename: 'fax.tif',
    contentType: 'image/tiff',
    bytes: tiff,
  });
  await bench.p.worker.runUntilIdle();
  const [order] = await bench.p.db.query<{ id: number; status: string }>(
    `SELECT id, status FROM orders WHERE document_id = $1`,
    [documentId],
  );
  if (!order) throw new Error('the fax gave no order');
  const url = await bench.app.listen({ host: '127.0.0.1', port: 0 });
  const login = await fetch(`${url}/review/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login: 'ana', password: 'correct horse battery', next: '/review' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const time = async (path: string) => {
    const t0 = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { cookie, accept: 'text/html' } });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return { ms: performance.now() - t0, bytes: body.length };
  };
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return {
      median: s[Math.floor(s.length / 2)]!,
      p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!,
    };
  };
  await time(`/review/orders/${order.id}`); // warm-up
  const screen: number[] = [];
  const pages: number[] = [];
  let pageBytes = 0;
  for (let i = 0; i < runs; i++) {
    screen.push((await time(`/review/orders/${order.id}`)).ms);
    const p1 = await time(`/review/documents/${documentId}/pages/1.png`);
    const p2 = await time(`/review/documents/${documentId}/pages/2.png`);
    pages.push(p1.ms + p2.ms);
    pageBytes = p1.bytes + p2.bytes;
  }
  const s = stats(screen);
  const p = stats(pages);
  console.log(
    `review screen of a two-page fax (order ${order.status}), ${runs} runs: ` +
      `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (target < 300 ms); ` +
      `both page images: median ${p.median.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms, ${(pageBytes / 1024).toFixed(0)} kB`,
  );
} finally {
  await bench.close();
}
