/**
 * Learning in a real headless Chromium (Debian `chromium`, driven by playwright-core): an operator
 * corrects the first fax of a layout nobody taught (its PO number sits after a label no vocabulary
 * holds) and approves it; the second fax of that layout is accepted untouched; an admin switches
 * the learned layout off on /review/admin/learned and the third fax goes to review again.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../scripts/eval/layout.ts';
import { makeOrder, random } from '../../scripts/eval/orders.ts';
import { faxTiff } from '../../scripts/eval/render.ts';
import { oddStyle } from '../learn/testing.ts';
import { submit } from '../pipeline/submit.ts';
import { createUser } from './auth.ts';
import { createReviewBench, type ReviewBench } from './testing.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

describe('a layout learned from one corrected fax, in Chromium', () => {
  let bench: ReviewBench;
  let browser: Browser;
  let url: string;
  const style = oddStyle();

  beforeAll(async () => {
    if (!CHROMIUM)
      throw new Error('Chromium is not installed (apt-get install chromium); .ci/run installs it');
    bench = await createReviewBench();
    await createUser(
      bench.p.db,
      { login: 'jefa', name: 'Jefa', role: 'admin', password: 'admin password 1' },
      'system:test',
    );
    url = await bench.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await bench?.close();
  });

  /** The `n`th order of the layout, faxed from the customer's machine; its order's id and status. */
  const fax = async (n: number) => {
    const g = makeOrder(style, n, random(7000 + n));
    const tiff = await faxTiff(layout(g), {
      header: `07/12/2026 09:${10 + n}  DE: ${style.fax}  FERRETERIA LOPEZ  P.01`,
      skewDeg: 0,
      seed: random(n),
    });
    const { documentId } = await submit(bench.p.db, {
      channel: 'fax',
      sourceRef: `learn-fax-${n}`,
      sender: style.fax,
      receivedAt: new Date(),
      filename: `fax-${n}.tif`,
      contentType: 'image/tiff',
      bytes: tiff,
    });
    await bench.p.worker.runUntilIdle();
    const [row] = await bench.p.db.query<{ id: number; status: string; po_number: string | null }>(
      `SELECT id, status, po_number FROM orders WHERE document_id = $1 ORDER BY seq`,
      [documentId],
    );
    return { g, ...row! };
  };

  const signIn = async (page: Page, login: string, password: string) => {
    await page.goto(`${url}/review/login`);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill(password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${url}/review`);
  };

  it('an operator corrects the first fax, the second is accepted untouched, switched off the third needs a person', async () => {
    const first = await fax(1);
    // No vocabulary knows "Doc. cliente": the generic reader has no PO number it can vouch for
    // (at most one proposed by the shape of the customer's earlier numbers), a person must look.
    expect(first.status).toBe('review');

    const page = await browser.newPage({ locale: 'es-ES', viewport: { width: 1500, height: 1000 } });
    await signIn(page, 'ana', 'correct horse battery');
    await page.goto(`${url}/review/orders/${first.id}`);
    // The operator types what the fax says wherever the form says otherwise.
    const want = first.g.expected;
    const set = async (name: string, value: string | number | null) => {
      const input = page.locator(`input[name="${name}"]`);
      if (value === null || (await input.inputValue()) === String(value)) return;
      await input.fill(String(value));
    };
    await set('poNumber', want.poNumber);
    await set('orderDate', want.orderDate);
    await set('deliveryDate', want.deliveryDate);
    expect(await page.locator('#lines tr.line').count()).toBe(want.lines.length);
    for (const [i, l] of want.lines.entries()) {
      await set(`lines[${i}][sku]`, l.sku);
      await set(`lines[${i}][quantity]`, l.quantity);
      await set(`lines[${i}][unitPrice]`, l.unitPrice);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'learn-first-fax.png'), fullPage: true });
    await page.locator('input[name="poNumber"]').focus();
    await page.keyboard.press('Control+Enter');
    await page.waitForURL((u) => !u.pathname.endsWith(`/review/orders/${first.id}`));
    const [approved] = await bench.p.db.query<{ status: string; po_number: string }>(
      `SELECT status, po_number FROM orders WHERE id = $1`,
      [first.id],
    );
    expect(approved).toEqual({ status: 'accepted', po_number: want.poNumber });
    const [taught] = await bench.p.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM learned_layouts WHERE customer_id = 'C042' AND active AND created_by = 'user:ana'`,
    );
    expect(taught!.n).toBe(1);
    await page.close();

    // The second fax of the layout: nobody needed.
    const second = await fax(2);
    expect({ status: second.status, po: second.po_number }).toEqual({
      status: 'accepted',
      po: second.g.expected.poNumber,
    });

    // An admin switches the learned layout off.
    const admin = await browser.newPage({ locale: 'es-ES', viewport: { width: 1500, height: 1000 } });
    await signIn(admin, 'jefa', 'admin password 1');
    await admin.goto(`${url}/review/admin/learned`);
    expect(await admin.locator('body').textContent()).toContain('user:ana');
    await admin.screenshot({ path: join(ARTIFACTS, 'learn-admin.png'), fullPage: true });
    // The form without a part switches the whole layout off.
    await admin
      .locator('form[action^="/review/admin/layouts/"]:not(:has(input[name="part"])) button')
      .first()
      .click();
    await admin.waitForURL(/\/review\/admin\/learned/);
    const [off] = await bench.p.db.query<{ active: boolean }>(
      `SELECT active FROM learned_layouts WHERE customer_id = 'C042' ORDER BY id DESC LIMIT 1`,
    );
    expect(off!.active).toBe(false);
    await admin.close();

    const third = await fax(3);
    expect(third.status).toBe('review');
  }, 300_000);
});
