/**
 * The review workspace in a real headless Chromium (Debian `chromium`, driven by playwright-core):
 * an operator signs in, opens the top item, corrects a misread quantity and maps an unknown
 * customer reference with the keyboard alone, approves; the ERP receives the corrected order and
 * the next order with that reference passes untouched. Screenshots go to test-artifacts/.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAX_LINES, faxTiff } from '../documents/testing.ts';
import { issueToken } from '../customers/tokens.ts';
import { submit } from '../pipeline/submit.ts';
import { CHROMIUM_PATH } from '../testing/services.ts';
import { arrive, createReviewBench, orderWithNewReference, type ReviewBench } from './testing.ts';

const CHROMIUM = CHROMIUM_PATH;
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

describe('review workspace and archive in Chromium', () => {
  let bench: ReviewBench;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    if (!CHROMIUM)
      throw new Error('Chromium is not installed (apt-get install chromium); .ci/run installs it');
    bench = await createReviewBench();
    url = await bench.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await bench?.close();
  });

  it('an operator fixes an order with the keyboard alone and approves it', async () => {
    const doc = await orderWithNewReference(7, '4795', 3000);
    const [id] = await arrive(bench, doc.pdf, 'browser-1');
    const sku = doc.g.expected.lines[0]!.sku!;
    const page = await browser.newPage({ locale: 'es-ES', viewport: { width: 1500, height: 1000 } });

    await page.goto(`${url}/review`);
    expect(page.url()).toContain('/review/login');
    await page.locator('input[name="login"]').focus();
    await page.keyboard.type('ana');
    await page.locator('input[name="password"]').focus();
    await page.keyboard.type('correct horse battery');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${url}/review`).catch(async (err) => {
      await page.screenshot({ path: join(ARTIFACTS, 'login-failed.png') });
      throw err;
    });
    await expect(page.locator('h1').textContent()).resolves.toContain('Pedidos a revisar');
    await page.screenshot({ path: join(ARTIFACTS, 'review-queue.png'), fullPage: true });

    // The top item: keyboard focus on its link, Enter.
    await page.locator('table.queue tbody tr a').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${url}/review/orders/${id}`);
    expect(await page.locator('svg image').count()).toBe(1);
    // The per-input attributes are markup, not text: the article field has its catalogue.
    const attrs = await page.evaluate(`(() => {
      const sku = document.querySelector('input[name="lines[0][sku]"]');
      const qty = document.querySelector('input[name="lines[0][quantity]"]');
      const date = document.querySelector('input[name="orderDate"]');
      return { list: sku.list && sku.list.id, options: sku.list ? sku.list.options.length : 0,
        skuClass: sku.className, inputmode: qty.inputMode, placeholder: date.placeholder };
    })()`);
    expect(attrs).toMatchObject({
      list: 'catalog',
      skuClass: 'sku',
      inputmode: 'decimal',
      placeholder: 'AAAA-MM-DD',
    });
    expect((attrs as { options: number }).options).toBeGreaterThan(3);
    // Times are the business's (Europe/Madrid), as on the portal, whatever the server's zone.
    const [doc0] = await bench.p.db.query<{ received_at: Date }>(
      `SELECT d.received_at FROM documents d JOIN orders o ON o.document_id = d.id WHERE o.id = $1`,
      [id],
    );
    const madrid = new Intl.DateTimeFormat('es-ES', {
      dateStyle: 'short',
      timeStyle: 'short',
      timeZone: bench.p.config.sla.calendar.timeZone,
    }).format(doc0!.received_at);
    expect(await page.locator('h1 small').textContent()).toContain(madrid);

    // The customer field has the focus; five Tabs reach the first line's article.
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
    const focused = () =>
      page.evaluate<string | undefined>('document.activeElement && document.activeElement.name');
    expect(await focused()).toBe('lines[0][sku]');
    await page.keyboard.type(sku);
    await page.keyboard.press('Tab'); // their reference (kept: 4795)
    await page.keyboard.press('Tab'); // description
    await page.keyboard.press('Tab'); // quantity
    expect(await focused()).toBe('lines[0][quantity]');
    // The box of the quantity read on the page lights up.
    expect(await page.locator('rect.box.selected').getAttribute('data-field')).toBe('lines[0].quantity');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('300');
    await page.screenshot({ path: join(ARTIFACTS, 'review-screen.png'), fullPage: true });
    await page.keyboard.press('Control+Enter');
    await page.waitForURL((u) => !u.pathname.endsWith(`/review/orders/${id}`));

    const [row] = await bench.p.db.query<{
      status: string;
      data: { lines: Array<{ sku: string; quantity: number; customerRef: string }> };
    }>(`SELECT status, data FROM orders WHERE id = $1`, [id]);
    expect(row!.status).toBe('accepted');
    expect(row!.data.lines[0]).toMatchObject({ sku, quantity: 300, customerRef: '4795' });
    const audit = await bench.p.db.query<{ kind: string; field: string | null }>(
      `SELECT kind, field FROM events WHERE order_id = $1 AND actor = 'user:ana' ORDER BY id`,
      [id],
    );
    expect(audit).toContainEqual({ kind: 'order.field_corrected', field: 'lines[0].quantity' });
    expect(audit.at(-1)!.kind).toBe('order.approved');

    await bench.p.settle();
    const dir = bench.p.config.erp.fileDir;
    const sent = await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f), 'utf8')));
    expect(sent.some((s) => s.includes(doc.g.expected.poNumber!) && s.includes(sku))).toBe(true);

    // The same reference again: learned, so no review.
    const again = await orderWithNewReference(7, '4795', 300, 'FL-2026-9107');
    const [id2] = await arrive(bench, again.pdf, 'browser-2');
    const [row2] = await bench.p.db.query<{ status: string }>(`SELECT status FROM orders WHERE id = $1`, [
      id2,
    ]);
    expect(row2!.status).toBe('accepted');
    await page.close();
  });

  it('finds an order by a word of its scanned page and downloads the original', async () => {
    const tiff = await faxTiff([[...FAX_LINES, 'Obra: Residencia Tres Cantos, muelle 4']], 'fine');
    await submit(bench.p.db, {
      channel: 'fax',
      sourceRef: 'browser-fax',
      sender: '+34915550142',
      receivedAt: new Date(),
      filename: 'fax-0042.tif',
      contentType: 'image/tiff',
      bytes: tiff,
    });
    await bench.p.worker.runUntilIdle();
    const page = await browser.newPage({
      locale: 'en-GB',
      viewport: { width: 1400, height: 900 },
      acceptDownloads: true,
    });
    await page.goto(`${url}/review/login`);
    await page.locator('input[name="login"]').fill('ana');
    await page.locator('input[name="password"]').fill('correct horse battery');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${url}/review`);
    await page.keyboard.press('Alt+S'); // accesskey of the search link in Chromium on Linux
    if (!page.url().includes('/review/search')) await page.goto(`${url}/review/search`);
    expect(await page.locator('input[name="from"]').getAttribute('type')).toBe('date');
    await page.locator('input[name="text"]').fill('cantos');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/review\/search\?/);
    const rows = page.locator('#results tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('fax-0042.tif');
    await page.screenshot({ path: join(ARTIFACTS, 'archive-search.png'), fullPage: true });
    await page.goto(`${url}/review/dashboard`);
    expect(await page.locator('#kpi-sla').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    await page.goBack();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a.download').first().click(),
    ]);
    expect(download.suggestedFilename()).toBe('fax-0042.tif');
    const path = await download.path();
    expect(Buffer.compare(await readFile(path), tiff)).toBe(0);
    await page.close();
  });

  it('Enter in a portal line moves on instead of sending the half-typed order', async () => {
    const token = await issueToken(bench.p.db, 'C042');
    const page = await browser.newPage({ locale: 'es-ES', viewport: { width: 1300, height: 900 } });
    await page.goto(`${url}/portal?token=${token}`);
    const count = async () =>
      (
        await bench.p.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM documents WHERE channel = 'web'`,
        )
      )[0]!.n;
    const before = await count();
    await page.locator('#lines input[name="sku"]').first().fill('TOR-M8-40');
    await page.locator('#lines input[name="sku"]').first().press('Enter');
    expect(
      await page.evaluate<string | undefined>('document.activeElement && document.activeElement.name'),
    ).toBe('quantity');
    await page.locator('#lines input[name="quantity"]').first().fill('200');
    await page.locator('#lines input[name="quantity"]').first().press('Enter');
    await page.waitForTimeout(500);
    expect(new URL(page.url()).pathname).toBe('/portal');
    expect(await count()).toBe(before);
    await page.close();
  });
});
