import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../customers/tokens.ts';
import { layout } from '../../scripts/eval/layout.ts';
import { CUSTOMERS, makeOrder, random } from '../../scripts/eval/orders.ts';
import { textPdf } from '../../scripts/eval/render.ts';
import { submit } from '../pipeline/submit.ts';
import { buildServer } from '../app.ts';
import { computeKpis } from '../kpi/kpis.ts';
import { createLogger } from '../log.ts';
import { createUser, OPERATOR_COOKIE } from './auth.ts';
import { correctionOf, humanNumber } from './routes.ts';
import { arrive, createReviewBench, orderWithNewReference, type ReviewBench } from './testing.ts';

/** A signed-in browser, as far as cookies and forms go. */
async function signIn(bench: ReviewBench, login: string, password: string) {
  const res = await bench.app.inject({
    method: 'POST',
    url: '/review/login',
    payload: new URLSearchParams({ login, password, next: '/review' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(res.statusCode, res.body.slice(0, 1500)).toBe(303);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  expect(cookie.startsWith(`${OPERATOR_COOKIE}=`)).toBe(true);
  const get = (url: string) => bench.app.inject({ method: 'GET', url, headers: { cookie } });
  const post = (url: string, payload: Record<string, string>) =>
    bench.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(payload).toString(),
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    });
  return { cookie, get, post };
}

/** The inputs of the review form, by name, as the browser would send them back. */
function formOf(page: string): Record<string, string> {
  const form = page.slice(
    page.indexOf('id="order-form"'),
    page.indexOf('</form>', page.indexOf('id="order-form"')),
  );
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input name="([^"]+)" value="([^"]*)"/g))
    out[m[1]!] = m[2]!.replace(/&amp;/g, '&');
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

describe('review queue', () => {
  let bench: ReviewBench;
  beforeAll(async () => {
    bench = await createReviewBench();
  });
  afterAll(() => bench.close());

  it('an operator corrects a quantity and maps a new reference, approves; the ERP gets it and the next order passes alone', async () => {
    const first = await orderWithNewReference(1, '4799', 2000);
    const [id] = await arrive(bench, first.pdf, 'doc-1');
    const ana = await signIn(bench, 'ana', 'correct horse battery');

    const queue = await ana.get('/review');
    expect(queue.statusCode, queue.body.slice(0, 800)).toBe(200);
    expect(queue.body).toContain(`/review/orders/${id}`);
    expect(queue.body).toContain('unknown_sku');

    const screen = await ana.get(`/review/orders/${id}`);
    expect(screen.statusCode).toBe(200);
    // The page image with the fields' boxes, and the unknown reference said in plain words.
    expect(screen.body).toMatch(/<image href="\/review\/documents\/\d+\/pages\/1.png"/);
    expect(screen.body).toContain('data-field="poNumber"');
    // Told in the operator's language (Spanish by default), not the stored English sentence.
    expect(screen.body).toContain('ningún producto coincide con la referencia del cliente 4799');
    expect(screen.body).not.toContain('no product matches');
    const img = await ana.get(screen.body.match(/href="(\/review\/documents\/\d+\/pages\/1.png)"/)![1]!);
    expect(img.headers['content-type']).toBe('image/png');

    const form = formOf(screen.body);
    expect(form['lines[0][customerRef]']).toBe('4799');
    const sku = first.g.expected.lines[0]!.sku!;
    const approve = await ana.post(`/review/orders/${id}/approve`, {
      ...form,
      'lines[0][sku]': sku,
      'lines[0][quantity]': '200',
      remember: '1',
    });
    expect(approve.statusCode, approve.body.slice(0, 2000)).toBe(303);

    const [row] = await bench.p.db.query<{
      status: string;
      decided_by: number;
      data: { lines: Array<{ sku: string; quantity: number }> };
    }>(`SELECT status, decided_by, data FROM orders WHERE id = $1`, [id]);
    expect(row!.status).toBe('accepted');
    expect(row!.data.lines[0]).toMatchObject({ sku, quantity: 200 });
    const events = await bench.p.db.query<{
      actor: string;
      kind: string;
      field: string | null;
      old_value: unknown;
      new_value: unknown;
    }>(
      `SELECT actor, kind, field, old_value, new_value FROM events WHERE order_id = $1 AND actor = 'user:ana' ORDER BY id`,
      [id],
    );
    expect(events).toContainEqual({
      actor: 'user:ana',
      kind: 'order.field_corrected',
      field: 'lines[0].quantity',
      old_value: 2000,
      new_value: 200,
    });
    expect(events).toContainEqual({
      actor: 'user:ana',
      kind: 'order.field_corrected',
      field: 'lines[0].sku',
      old_value: null,
      new_value: sku,
    });
    expect(events.map((e) => e.kind)).toContain('cross_ref.learned');
    expect(events.at(-1)!.kind).toBe('order.approved');
    const [xref] = await bench.p.db.query<{ sku: string }>(
      `SELECT sku FROM cross_refs WHERE customer_id = 'C042' AND customer_ref = '4799'`,
    );
    expect(xref!.sku).toBe(sku);

    // The ERP adapter receives the corrected order.
    await bench.p.settle();
    const files = await readdir(bench.p.config.erp.fileDir);
    const delivered = await Promise.all(
      files.map((f) => readFile(`${bench.p.config.erp.fileDir}/${f}`, 'utf8')),
    );
    const sent = delivered
      .map((d) => JSON.parse(d))
      .find((d) => JSON.stringify(d).includes(first.g.expected.poNumber!));
    expect(JSON.stringify(sent)).toContain(sku);

    // The same customer sends the same reference again: no person needed.
    // Same articles as the first order, another PO number.
    const second = await orderWithNewReference(1, '4799', 200, 'FL-2026-9001');
    const [id2] = await arrive(bench, second.pdf, 'doc-2');
    const [row2] = await bench.p.db.query<{ status: string; data: { lines: Array<{ sku: string }> } }>(
      `SELECT status, data FROM orders WHERE id = $1`,
      [id2],
    );
    const why = await bench.p.db.query(`SELECT code, severity, message FROM findings WHERE order_id = $1`, [
      id2,
    ]);
    expect(row2!.status, JSON.stringify(why)).toBe('accepted');
    expect(row2!.data.lines[0]!.sku).toBe(sku);
  });

  it('one order cannot be decided twice, nor approved from a stale screen', async () => {
    const doc = await orderWithNewReference(3, '4798', 300);
    const [id] = await arrive(bench, doc.pdf, 'doc-3');
    const ana = await signIn(bench, 'ana', 'correct horse battery');
    const luis = await signIn(bench, 'luis', 'another long secret');
    const anaScreen = await ana.get(`/review/orders/${id}`);
    // Luis opens it too: Ana holds it, so he sees it read-only.
    const luisScreen = await luis.get(`/review/orders/${id}`);
    expect(luisScreen.body).toContain('Ana García');
    expect(luisScreen.body).not.toContain('id="approve"');
    const form = { ...formOf(anaScreen.body), 'lines[0][sku]': doc.g.expected.lines[0]!.sku! };
    // Luis posts anyway (an old tab): refused, the order stays Ana's.
    const luisForm = { ...form, _csrf: formOf(luisScreen.body)._csrf! };
    const refused = await luis.post(`/review/orders/${id}/approve`, luisForm);
    expect(refused.statusCode).toBe(409);
    const ok = await ana.post(`/review/orders/${id}/approve`, form);
    expect(ok.statusCode).toBe(303);
    const again = await ana.post(`/review/orders/${id}/approve`, form);
    expect(again.statusCode).toBe(409);
    expect(again.body).toMatch(/already decided|ya está decidido/);
    const approvals = await bench.p.db.query(
      `SELECT 1 FROM events WHERE order_id = $1 AND kind = 'order.approved'`,
      [id],
    );
    expect(approvals).toHaveLength(1);
  });

  it("the dashboard counts why orders went to review, not what was left after the operator's approval", async () => {
    const before = new Date(Date.now() - 1000);
    const doc = await orderWithNewReference(5, '4796', 300);
    const [id] = await arrive(bench, doc.pdf, 'doc-5');
    const ana = await signIn(bench, 'ana', 'correct horse battery');
    const form = formOf((await ana.get(`/review/orders/${id}`)).body);
    const ok = await ana.post(`/review/orders/${id}/approve`, {
      ...form,
      'lines[0][sku]': doc.g.expected.lines[0]!.sku!,
    });
    expect(ok.statusCode, ok.body.slice(0, 1500)).toBe(303);
    const kpis = await computeKpis(bench.p.db, { from: before, to: new Date(Date.now() + 1000) });
    expect(kpis.reviewReasons.map((r) => r.code)).toContain('unknown_sku');
    // The order's current findings are the operator's: the unknown article is no longer one.
    const current = await bench.p.db.query<{ code: string }>(
      `SELECT code FROM findings WHERE order_id = $1 AND current`,
      [id],
    );
    expect(current.map((f) => f.code)).not.toContain('unknown_sku');
  });

  it('answers a person with a page in their language: impossible and Spanish dates, unknown orders and paths', async () => {
    const ana = await signIn(bench, 'ana', 'correct horse battery');
    const page = (url: string) =>
      bench.app.inject({
        method: 'GET',
        url,
        headers: { cookie: ana.cookie, accept: 'text/html', 'accept-language': 'es-ES' },
      });
    const impossible = await page('/review/search?from=2026-02-30');
    expect(impossible.statusCode).toBe(400);
    expect(impossible.headers['content-type']).toContain('text/html');
    expect(impossible.body).toContain('«2026-02-30» no es una fecha');
    const spanish = await page('/review/search?from=30/11/2020&to=31.12.2099');
    expect(spanish.statusCode).toBe(200);
    expect(spanish.body).toContain('name="from" value="2020-11-30"');
    expect(spanish.body).toContain('name="to" value="2099-12-31"');
    expect(spanish.body).toMatch(/documento\(s\)|No se ha encontrado nada/);
    for (const url of ['/review/orders/987654', '/review/no-such-page']) {
      const res = await page(url);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).not.toContain('"error"');
      expect(res.body).toContain('<html lang="es"');
    }
  });

  it('says an approval was done on the page it lands on; the queue announces news instead of reloading; requests log at debug', async () => {
    const doc = await orderWithNewReference(6, '4795', 300);
    const [id] = await arrive(bench, doc.pdf, 'doc-6');
    const other = await orderWithNewReference(8, '4794', 300);
    await arrive(bench, other.pdf, 'doc-8');
    const ana = await signIn(bench, 'ana', 'correct horse battery');
    const form = formOf((await ana.get(`/review/orders/${id}`)).body);
    const ok = await ana.post(`/review/orders/${id}/approve`, {
      ...form,
      'lines[0][sku]': doc.g.expected.lines[0]!.sku!,
    });
    const next = await ana.get(String(ok.headers.location));
    expect(next.statusCode).toBe(303);
    const landing = await ana.get(String(next.headers.location));
    expect(landing.body).toContain(
      `<p class="flash" role="status">Pedido ${id} aprobado y enviado al ERP.</p>`,
    );
    const queue = await ana.get('/review');
    expect(queue.body).not.toContain('http-equiv="refresh"');
    expect(queue.body).toMatch(/<h1 data-queue-count="\d+">/);
    expect(queue.body).toContain('id="queue-news" class="flash" role="status" hidden');
    // The sign-in page has the workspace's styles.
    const login = await bench.app.inject({ method: 'GET', url: '/review/login' });
    expect(login.body).toContain('<link rel="stylesheet" href="/review/assets/review.css">');
    // A request is no news at info: the start-up banner stays on the screen.
    const lines: string[] = [];
    const app = await buildServer({
      db: bench.p.db,
      config: bench.p.config,
      log: createLogger('info', {}, (l) => lines.push(l)),
    });
    try {
      await app.inject({ method: 'GET', url: '/review/login' });
      expect(lines.filter((l) => l.includes('http request'))).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('shows admins the documents rejected without an order, in the queue and on the dashboard', async () => {
    await submit(bench.p.db, {
      channel: 'fax',
      sourceRef: 'broken-fax',
      sender: '+34912345678',
      receivedAt: new Date(),
      filename: 'fax-broken-0099.tif',
      contentType: 'image/tiff',
      bytes: Buffer.from('II*\u0000 this is no tiff at all'),
    });
    await bench.p.worker.runUntilIdle();
    await createUser(
      bench.p.db,
      { login: 'marta', name: 'Marta Admin', role: 'admin', password: 'an admin long secret' },
      'system:test',
    );
    const marta = await signIn(bench, 'marta', 'an admin long secret');
    const queue = (await marta.get('/review')).body;
    expect(queue).toContain('Documentos rechazados en los últimos 7 días');
    expect(queue).toContain('fax-broken-0099.tif');
    expect(queue).toMatch(/No se puede leer el documento|documento ilegible/);
    const ana = await signIn(bench, 'ana', 'correct horse battery');
    expect((await ana.get('/review')).body).not.toContain('fax-broken-0099.tif');
    expect((await ana.get('/review/dashboard')).body).toContain('fax-broken-0099.tif');
  });

  it('an approval that leaves an error standing is refused with the reason', async () => {
    const doc = await orderWithNewReference(4, '4797', 300);
    const [id] = await arrive(bench, doc.pdf, 'doc-4');
    const ana = await signIn(bench, 'ana', 'correct horse battery');
    const form = formOf((await ana.get(`/review/orders/${id}`)).body);
    const res = await ana.post(`/review/orders/${id}/approve`, {
      ...form,
      'lines[0][quantity]': 'doscientos',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('línea 1, cantidad: «doscientos» no es un número');
    const res2 = await ana.post(`/review/orders/${id}/approve`, form);
    expect(res2.statusCode).toBe(422);
    expect(res2.body).toContain('ningún producto coincide con la referencia del cliente 4797');
    const rejected = await ana.post(`/review/orders/${id}/reject`, {
      _csrf: form._csrf!,
      version: form.version!,
      reason: 'Pedido duplicado por teléfono',
    });
    expect(rejected.statusCode).toBe(303);
    const [row] = await bench.p.db.query<{ status: string }>(`SELECT status FROM orders WHERE id = $1`, [id]);
    expect(row!.status).toBe('rejected');
  });

  it('refuses strangers, customer tokens and posts without the CSRF token; shows hostile text as text', async () => {
    const anonymous = await bench.app.inject({
      method: 'GET',
      url: '/review',
      headers: { accept: 'text/html' },
    });
    expect(anonymous.statusCode).toBe(302);
    expect(anonymous.headers.location).toContain('/review/login');
    const token = await issueToken(bench.p.db, 'C042');
    for (const url of [
      '/review',
      '/review/orders/1',
      '/review/admin/users',
      '/review/documents/1/pages/1.png',
    ]) {
      const res = await bench.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${token}` },
      });
      expect([302, 401], url).toContain(res.statusCode);
      const post = await bench.app.inject({
        method: 'POST',
        url: '/review/orders/1/approve',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(post.statusCode).toBe(401);
    }
    const ana = await signIn(bench, 'ana', 'correct horse battery');
    const doc = await orderWithNewReference(5, '4796', 300);
    const [id] = await arrive(bench, doc.pdf, 'doc-5');
    const form = formOf((await ana.get(`/review/orders/${id}`)).body);
    const { _csrf: _, ...noCsrf } = form;
    expect((await ana.post(`/review/orders/${id}/approve`, noCsrf)).statusCode).toBe(403);

    // An EDIFACT order whose text carries markup and SQL: shown as text, stored as data.
    const edi = `UNA:+.? 'UNB+UNOC:3+8412345000003:14+8400000000017:14+261120:1000+X1'UNH+1+ORDERS:D:96A:UN:EAN008'BGM+220+<script>alert(1)</script>?'; DROP TABLE orders;--+9'NAD+BY+8412345000003::9'LIN+1++'PIA+1+<b>x</b>:IN'QTY+21:5'UNS+S'UNT+7+1'UNZ+1+X1'`;
    const { documentId } = await submit(bench.p.db, {
      channel: 'edi',
      sourceRef: 'hostile',
      sender: null,
      receivedAt: new Date(),
      filename: null,
      contentType: null,
      bytes: Buffer.from(edi, 'latin1'),
    });
    await bench.p.worker.runUntilIdle();
    const [hostile] = await bench.p.db.query<{ id: number; po_number: string }>(
      `SELECT id, po_number FROM orders WHERE document_id = $1`,
      [documentId],
    );
    expect(hostile!.po_number).toContain('DROP TABLE orders');
    const page = await ana.get(`/review/orders/${hostile!.id}`);
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<b>x</b>');
    const queue = await ana.get('/review');
    expect(queue.body).not.toContain('<script>alert(1)');

    // An original a sender labelled text/html downloads as bytes, under a harmless name.
    const { documentId: html } = await submit(bench.p.db, {
      channel: 'web',
      sourceRef: 'html-upload',
      sender: null,
      receivedAt: new Date(),
      filename: '../../x"><script>.html',
      contentType: 'text/html',
      bytes: Buffer.from('<script>alert(2)</script>'),
    });
    const original = await ana.get(`/review/documents/${html}/original`);
    expect(original.headers['content-type']).toBe('application/octet-stream');
    expect(original.headers['content-disposition']).toBe('attachment; filename=".._.._x___script_.html"');
  });

  it("learns where a customer's PO number is from one correction; the next document needs nobody", async () => {
    const style = {
      ...CUSTOMERS.find((c) => c.id === 'C042')!,
      labels: { ...CUSTOMERS.find((c) => c.id === 'C042')!.labels, po: 'Doc. cliente:' },
    };
    const make = async (n: number) => {
      const g = makeOrder(style, n, random(2000 + n));
      return { g, pdf: await textPdf(layout(g)) };
    };
    const first = await make(41);
    const [id] = await arrive(bench, first.pdf, 'layout-1');
    const [before] = await bench.p.db.query<{ status: string; po_number: string | null }>(
      `SELECT status, po_number FROM orders WHERE id = $1`,
      [id],
    );
    // A label neither the template nor the vocabularies know: no PO number, a person is needed.
    expect(before).toEqual({ status: 'review', po_number: null });
    const ana = await signIn(bench, 'ana', 'correct horse battery');
    const form = formOf((await ana.get(`/review/orders/${id}`)).body);
    const res = await ana.post(`/review/orders/${id}/approve`, {
      ...form,
      poNumber: first.g.expected.poNumber!,
      remember: '1',
    });
    expect(res.statusCode, res.body.slice(0, 1500)).toBe(303);
    const learned = await bench.p.db.query<{
      field: string;
      label: string;
      version: number;
      created_by: string;
    }>(`SELECT field, label, version, created_by FROM learned_fields WHERE customer_id = 'C042'`);
    expect(learned).toEqual([
      { field: 'poNumber', label: 'Doc. cliente', version: 1, created_by: 'user:ana' },
    ]);

    const second = await make(42);
    const [id2] = await arrive(bench, second.pdf, 'layout-2');
    const [after] = await bench.p.db.query<{ status: string; po_number: string | null }>(
      `SELECT status, po_number FROM orders WHERE id = $1`,
      [id2],
    );
    expect(after).toEqual({ status: 'accepted', po_number: second.g.expected.poNumber });

    // Admins see what was taught and can switch it off; operators cannot.
    expect((await ana.get('/review/admin/learned')).statusCode).toBe(403);
    const { createUser } = await import('./auth.ts');
    await createUser(
      bench.p.db,
      { login: 'jefa', name: 'Jefa', role: 'admin', password: 'admin password 1' },
      'system:test',
    );
    const jefa = await signIn(bench, 'jefa', 'admin password 1');
    const page = await jefa.get('/review/admin/learned');
    expect(page.body).toContain('Doc. cliente');
    const learnedId = page.body.match(/\/review\/admin\/learned\/(\d+)\/deactivate/)![1]!;
    const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
    expect(
      (await jefa.post(`/review/admin/learned/${learnedId}/deactivate`, { _csrf: csrf })).statusCode,
    ).toBe(303);
    const [off] = await bench.p.db.query<{ active: boolean }>(
      `SELECT active FROM learned_fields WHERE id = $1`,
      [learnedId],
    );
    expect(off!.active).toBe(false);

    // The layout learned from the approval is listed (when, from which document, by whom); the
    // admin switches its PO number off, and the next document of the layout needs a person again.
    const listed = await jefa.get('/review/admin/learned');
    expect(listed.body).toContain('user:ana');
    const layoutId = listed.body.match(/\/review\/admin\/layouts\/(\d+)\/off/)![1]!;
    const partOff = await jefa.post(`/review/admin/layouts/${layoutId}/off`, {
      _csrf: csrf,
      part: 'poNumber',
    });
    expect(partOff.statusCode).toBe(303);
    expect((await ana.post(`/review/admin/layouts/${layoutId}/off`, { _csrf: csrf })).statusCode).toBe(403);
    const [layoutRow] = await bench.p.db.query<{ disabled: string[] }>(
      `SELECT disabled FROM learned_layouts WHERE id = $1`,
      [layoutId],
    );
    expect(layoutRow!.disabled).toEqual(['poNumber']);
    const [third] = await arrive(bench, (await make(43)).pdf, 'layout-3');
    const [again] = await bench.p.db.query<{ status: string; po_number: string | null }>(
      `SELECT status, po_number FROM orders WHERE id = $1`,
      [third],
    );
    expect(again).toEqual({ status: 'review', po_number: null });
  });

  it('puts an order on hold with a reason, after the others; filters by age; shows price, usual quantity and credit', async () => {
    const doc = await orderWithNewReference(51, '4791', 300);
    const [id] = await arrive(bench, doc.pdf, 'hold-1');
    const ana = await signIn(bench, 'ana', 'correct horse battery');
    const screen = await ana.get(`/review/orders/${id}`);
    // The customer's own price and usual quantity beside a known article (line 2 onwards), credit left.
    expect(screen.body).toMatch(/class="context"><td colspan="7">su precio: [\d.]+/);
    expect(screen.body).toMatch(/crédito disponible: -?[\d.]+ EUR/);
    const form = formOf(screen.body);
    const held = await ana.post(`/review/orders/${id}/hold`, {
      _csrf: form._csrf!,
      version: form.version!,
      reason: 'Esperando confirmación del cliente',
    });
    expect(held.statusCode).toBe(303);
    const queue = await ana.get('/review');
    expect(queue.body).toContain('En espera: Esperando confirmación del cliente');
    const rows = [...queue.body.matchAll(/href="\/review\/orders\/(\d+)"/g)].map((m) => Number(m[1]));
    expect(rows.at(-1)).toBe(id);
    const [event] = await bench.p.db.query<{ actor: string; detail: { reason: string } }>(
      `SELECT actor, detail FROM events WHERE order_id = $1 AND kind = 'order.on_hold'`,
      [id],
    );
    expect(event).toEqual({ actor: 'user:ana', detail: { reason: 'Esperando confirmación del cliente' } });
    // Nothing has waited a day yet.
    expect((await ana.get('/review?age=24')).body).not.toContain(`/review/orders/${id}"`);
    expect((await ana.get('/review?age=0')).body).toContain(`/review/orders/${id}"`);
  });

  it("a priority customer's orders are marked and go first", async () => {
    await bench.p.db.query(`UPDATE customers SET priority = true WHERE id = 'C042'`);
    try {
      const doc = await orderWithNewReference(61, '4790', 300);
      const [id] = await arrive(bench, doc.pdf, 'priority-1');
      const [row] = await bench.p.db.query<{ priority: string }>(
        `SELECT priority FROM orders WHERE id = $1`,
        [id],
      );
      expect(row!.priority).toBe('a priority customer');
      const ana = await signIn(bench, 'ana', 'correct horse battery');
      const queue = await ana.get('/review');
      const first = queue.body.match(/href="\/review\/orders\/(\d+)"/)![1];
      expect(Number(first)).toBe(id);
    } finally {
      await bench.p.db.query(`UPDATE customers SET priority = false WHERE id = 'C042'`);
    }
  });

  it('shows the dashboard to operators, exports its tables as CSV, and to nobody else', async () => {
    const ana = await signIn(bench, 'ana', 'correct horse battery');
    const page = await ana.get('/review/dashboard');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Entregados dentro del SLA');
    expect(page.body).toContain('<svg class="chart"');
    // The system panel: nothing wrong, then a mailbox that cannot be reached and an ERP that
    // refuses orders, in words.
    expect(page.body).toContain('Todos los conectores y procesos funcionan.');
    await bench.p.db.query(
      `INSERT INTO process_heartbeats (id, host, pid, roles, started_at, seen_at, interval_ms, parts)
       VALUES ('h:1:x', 'h', 1, '{connectors}', now(), now(), 60000,
               '[{"name": "IMAP pedidos@mail/INBOX", "kind": "connector", "state": "reconnecting", "detail": "connect ECONNREFUSED"}]')`,
    );
    const [order] = await bench.p.db.query<{ id: number }>(
      `SELECT id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM erp_outbox b WHERE b.order_id = o.id) LIMIT 1`,
    );
    await bench.p.db.query(
      `INSERT INTO erp_outbox (order_id, adapter, idempotency_key, last_error) VALUES ($1, 'http', 'k-dash', 'HTTP 503')`,
      [order!.id],
    );
    try {
      const troubled = await ana.get('/review/dashboard');
      expect(troubled.body).toContain(
        '<li>IMAP pedidos@mail/INBOX is reconnecting: connect ECONNREFUSED</li>',
      );
      expect(troubled.body).toContain(
        '1 pedidos esperan al ERP tras un intento fallido; último error: HTTP 503',
      );
    } finally {
      await bench.p.db.query(`DELETE FROM process_heartbeats WHERE id = 'h:1:x'`);
      await bench.p.db.query(`DELETE FROM erp_outbox WHERE idempotency_key = 'k-dash'`);
    }
    // Today where the business is (the dashboard's days are its days): from 23:00 UTC, Madrid's
    // day is already tomorrow's.
    const zone = bench.p.config.sla.calendar.timeZone;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
    const csv = await ana.get(`/review/dashboard.csv?table=perDay&from=${today}&to=${today}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('day,orders,lines');
    expect(csv.body).toContain(today);
    expect((await ana.get('/review/dashboard.csv?table=nothing')).statusCode).toBe(404);
    const token = await issueToken(bench.p.db, 'C042');
    const stranger = await bench.app.inject({
      method: 'GET',
      url: '/review/dashboard.csv?table=perDay',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stranger.statusCode).toBe(401);
  });

  it('reads numbers and forms as operators type them', () => {
    expect(humanNumber('1.234,5')).toBe(1234.5);
    expect(humanNumber('1,234.5')).toBe(1234.5);
    expect(humanNumber('0,12')).toBe(0.12);
    expect(humanNumber(' 200 ')).toBe(200);
    expect(humanNumber('')).toBeNull();
    expect(humanNumber('12a')).toBeNaN();
    const { correction } = correctionOf({
      version: '3',
      customerId: 'C042',
      'lines[1][sku]': 'B',
      'lines[0][sku]': 'A',
      'lines[0][quantity]': '2',
      'lines[2][sku]': '',
      remember: '1',
    });
    expect(correction.lines.map((l) => l.sku)).toEqual(['A', 'B']);
    expect(correction).toMatchObject({ version: 3, customerId: 'C042', remember: true });
  });
});
