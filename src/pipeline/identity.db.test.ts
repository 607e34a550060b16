import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtractLine, extractFiles } from '../cli/extract.ts';
import { loadConfig } from '../config.ts';
import { silentLogger } from '../log.ts';
import { createOcrEngine, type OcrEngine } from '../ocr/index.ts';
import { createTestPipeline, DEMO_MASTER_DATA, type TestPipeline } from '../testing/pipeline.ts';
import { allFormats } from '../formats/registry.ts';
import { templatesFrom } from './templates-source.ts';
import { submit } from './submit.ts';

/**
 * Issue 19, item 1: what a document says about its buyer (name, tax id) is public and may be
 * copied by anyone. An order is accepted untouched only when the channel's own identity (the
 * sender's address, the caller's fax number, the token) belongs to the customer the document
 * names; anything else waits for a person, and nothing is confirmed to an unknown sender.
 */

/** A typed order quoting Ferreteria Lopez (C042): its name, tax id and its own article numbers. */
function orderMail(opts: { from: string; to?: string; po: string; subject?: string; headers?: string[] }) {
  return Buffer.from(
    [
      `From: ${opts.from}`,
      `To: ${opts.to ?? 'pedidos@proveedor.es'}`,
      `Subject: ${opts.subject ?? `Pedido ${opts.po}`}`,
      `Message-ID: <${opts.po}@mail.test>`,
      'Date: Fri, 20 Nov 2026 09:30:00 +0100',
      ...(opts.headers ?? []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Ferreteria Lopez SL - CIF ESB12345678',
      '',
      `Pedido nº: ${opts.po}`,
      'Fecha: 20/11/2026',
      '',
      'Ref.   Descripción               Cantidad   Precio   Importe',
      '4711   Tornillo M8x40 zincado         200     0,12     24,00',
      '4712   Tuerca M8 zincada              100    0,045      4,50',
      '',
      'Total pedido: 28,50',
      '',
    ].join('\r\n'),
  );
}

interface Stored {
  status: string;
  customer_id: string | null;
  findings: Array<{ code: string; message: string }>;
  erp: number;
  confirmations: Array<{ recipient: string }>;
}

describe('the channel decides who ordered, the document only proposes', () => {
  let p: TestPipeline;
  let ocr: OcrEngine;
  let n = 0;

  beforeAll(async () => {
    ocr = createOcrEngine({ workers: 1 });
    const templates = templatesFrom(loadConfig({}).templatesDir, silentLogger);
    p = await createTestPipeline(
      {
        'worker.concurrency': 1,
        'confirm.smtpUrl': 'smtp://127.0.0.1:1',
        'confirm.from': 'Pedidos <pedidos@proveedor.es>',
        'identity.faxGateways': 'fax@proveedor.es',
        'identity.authServIds': 'mx.proveedor.es',
      },
      DEMO_MASTER_DATA,
      allFormats(ocr, templates),
      { confirm: true },
    );
  });
  afterAll(async () => {
    await p.close();
    await ocr.close();
  });

  /** Submits a message as the IMAP connector does (envelope sender given), runs the pipeline. */
  async function arrive(eml: Buffer, sender: string | null, meta: Record<string, unknown> = {}) {
    n++;
    const { documentId } = await submit(p.db, {
      channel: 'email',
      sourceRef: `identity-${n}`,
      sender,
      receivedAt: new Date(),
      filename: `m${n}.eml`,
      contentType: 'message/rfc822',
      bytes: eml,
      meta,
    });
    await p.worker.runUntilIdle();
    return stored(documentId);
  }

  async function stored(documentId: number): Promise<Stored> {
    const [o] = await p.db.query<{ id: number; status: string; customer_id: string | null }>(
      `SELECT id, status, customer_id FROM orders WHERE document_id = $1`,
      [documentId],
    );
    const findings = await p.db.query<{ code: string; message: string }>(
      `SELECT code, message FROM findings WHERE order_id = $1 ORDER BY id`,
      [o!.id],
    );
    const [erp] = await p.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM erp_outbox WHERE order_id = $1`,
      [o!.id],
    );
    const confirmations = await p.db.query<{ recipient: string }>(
      `SELECT recipient FROM confirmation_outbox WHERE order_id = $1`,
      [o!.id],
    );
    return { status: o!.status, customer_id: o!.customer_id, findings, erp: erp!.n, confirmations };
  }

  const codes = (s: Stored) => s.findings.map((f) => f.code);

  it("accepts the order from the customer's own address and confirms it there (control)", async () => {
    const s = await arrive(
      orderMail({ from: 'Compras <compras@ferreterialopez.es>', po: 'FL-2026-0301' }),
      'compras@ferreterialopez.es',
    );
    expect(s).toMatchObject({ status: 'accepted', customer_id: 'C042', erp: 1 });
    expect(s.confirmations).toEqual([{ recipient: 'compras@ferreterialopez.es' }]);
  });

  it("accepts any address of the customer's domain on file", async () => {
    const s = await arrive(
      orderMail({ from: 'ana@ferreterialopez.es', po: 'FL-2026-0302' }),
      'ana@ferreterialopez.es',
    );
    expect(s).toMatchObject({ status: 'accepted', customer_id: 'C042' });
  });

  it("holds an e-mail from an unknown address quoting a customer's name and tax id, and confirms nothing to it", async () => {
    const s = await arrive(
      orderMail({ from: 'buyer@evil.example', po: 'FL-2026-0303' }),
      'buyer@evil.example',
    );
    expect(s.status).toBe('review');
    expect(s.erp).toBe(0);
    expect(s.confirmations).toEqual([]);
    const mismatch = s.findings.find((f) => f.code === 'customer_mismatch');
    expect(mismatch?.message).toMatch(/buyer@evil\.example/);
    expect(mismatch?.message).toMatch(/not on file/);
    // The document's buyer is proposed for a person to confirm.
    expect(s.customer_id).toBe('C042');
  });

  it("holds an e-mail from another customer's address, judged against the sender's own master data", async () => {
    const s = await arrive(
      orderMail({ from: 'pedidos@sigarcia.es', po: 'FL-2026-0304' }),
      'pedidos@sigarcia.es',
    );
    expect(s.status).toBe('review');
    expect(codes(s)).toContain('customer_mismatch');
    expect(s.customer_id).toBe('C107');
  });

  it('judges a dropped message (no envelope) by its From: header', async () => {
    const s = await arrive(orderMail({ from: 'buyer@evil.example', po: 'FL-2026-0305' }), null);
    expect(s.status).toBe('review');
    expect(codes(s)).toContain('customer_mismatch');
  });

  it("takes a trusted fax-to-mail gateway's caller number as the identity, and only that gateway's", async () => {
    const fax = (from: string, po: string) =>
      orderMail({ from, po, subject: 'Fax from +34 912 345 678 (1 page)' });
    const trusted = await arrive(fax('fax@proveedor.es', 'FL-2026-0306'), 'fax@proveedor.es');
    expect(trusted).toMatchObject({ status: 'accepted', customer_id: 'C042' });
    // Confirmed to the customer's address on file, not to the fax gateway.
    expect(trusted.confirmations).toEqual([{ recipient: 'compras@ferreterialopez.es' }]);
    const forged = await arrive(fax('fax@evil.example', 'FL-2026-0307'), 'fax@evil.example');
    expect(forged.status).toBe('review');
    expect(codes(forged)).toContain('customer_mismatch');
  });

  it("believes a trusted gateway's Authentication-Results: a failed DKIM/SPF From: is held", async () => {
    const results = (verdict: string) => [
      `Authentication-Results: mx.proveedor.es; dkim=${verdict} header.d=ferreterialopez.es; spf=${verdict} smtp.mailfrom=compras@ferreterialopez.es`,
    ];
    const forged = await arrive(
      orderMail({ from: 'compras@ferreterialopez.es', po: 'FL-2026-0308', headers: results('fail') }),
      'compras@ferreterialopez.es',
    );
    expect(forged.status).toBe('review');
    const why = forged.findings.find((f) => f.code === 'customer_mismatch')?.message;
    expect(why).toMatch(/mx\.proveedor\.es/);
    expect(forged.confirmations).toEqual([]);
    const signed = await arrive(
      orderMail({ from: 'compras@ferreterialopez.es', po: 'FL-2026-0309', headers: results('pass') }),
      'compras@ferreterialopez.es',
    );
    expect(signed).toMatchObject({ status: 'accepted', customer_id: 'C042' });
    // A verdict written by anyone else (not a trusted authserv-id) is not believed either way.
    const elsewhere = await arrive(
      orderMail({
        from: 'compras@ferreterialopez.es',
        po: 'FL-2026-0310',
        headers: ['Authentication-Results: mx.evil.example; dkim=fail header.d=ferreterialopez.es'],
      }),
      'compras@ferreterialopez.es',
    );
    expect(elsewhere.status).toBe('accepted');
  });
});

describe('with authenticated mail required', () => {
  let p: TestPipeline;
  let ocr: OcrEngine;

  beforeAll(async () => {
    ocr = createOcrEngine({ workers: 1 });
    p = await createTestPipeline(
      {
        'worker.concurrency': 1,
        'identity.authServIds': 'mx.proveedor.es',
        'identity.requireAuthenticatedMail': true,
      },
      DEMO_MASTER_DATA,
      allFormats(ocr, templatesFrom(loadConfig({}).templatesDir, silentLogger)),
    );
  });
  afterAll(async () => {
    await p.close();
    await ocr.close();
  });

  it('holds mail the trusted gateway did not authenticate, accepts mail it did', async () => {
    const run = async (po: string, headers: string[]) => {
      const { documentId } = await submit(p.db, {
        channel: 'email',
        sourceRef: `req-${po}`,
        sender: 'compras@ferreterialopez.es',
        receivedAt: new Date(),
        filename: null,
        contentType: 'message/rfc822',
        bytes: orderMail({ from: 'compras@ferreterialopez.es', po, headers }),
      });
      await p.worker.runUntilIdle();
      const [o] = await p.db.query<{ status: string; codes: string[] }>(
        `SELECT o.status, array(SELECT code FROM findings f WHERE f.order_id = o.id) AS codes
           FROM orders o WHERE o.document_id = $1`,
        [documentId],
      );
      return o!;
    };
    const plain = await run('FL-2026-0501', []);
    expect(plain.status).toBe('review');
    expect(plain.codes).toContain('customer_mismatch');
    const dkim = await run('FL-2026-0502', [
      'Authentication-Results: mx.proveedor.es; dkim=pass header.d=ferreterialopez.es',
    ]);
    expect(dkim.status).toBe('accepted');
    // DKIM of another domain proves nothing about this From: address.
    const other = await run('FL-2026-0503', [
      'Authentication-Results: mx.proveedor.es; dkim=pass header.d=evil.example',
    ]);
    expect(other.status).toBe('review');
  });
});

describe('extract: an .eml file is judged by its sender, a bare file by its content', () => {
  let dir: string;
  let ocr: OcrEngine;
  let t: Awaited<ReturnType<typeof createTestPipeline>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-identity-'));
    ocr = createOcrEngine({ workers: 1 });
    t = await createTestPipeline({}, DEMO_MASTER_DATA);
  });
  afterAll(async () => {
    await t.close();
    await ocr.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function extract(name: string, bytes: Buffer): Promise<ExtractLine> {
    const file = join(dir, name);
    await writeFile(file, bytes);
    const lines: ExtractLine[] = [];
    await extractFiles(
      {
        db: t.db,
        config: t.config,
        log: silentLogger,
        deliverTo: null,
        formats: allFormats(ocr, templatesFrom(t.config.templatesDir, silentLogger)),
      },
      [file],
      (l) => lines.push(l),
    );
    return lines[0]!;
  }

  it('holds an .eml from an unknown address naming a customer', async () => {
    const line = await extract('evil.eml', orderMail({ from: 'buyer@evil.example', po: 'FL-2026-0401' }));
    expect(line.status).toBe('review');
    expect(line.findings.map((f) => f.code)).toContain('customer_mismatch');
  });

  it("accepts an .eml from the customer's address", async () => {
    const line = await extract(
      'good.eml',
      orderMail({ from: 'compras@ferreterialopez.es', po: 'FL-2026-0402' }),
    );
    expect(line.status).toBe('accepted');
    expect(line.order?.customer.id).toBe('C042');
  });

  it("takes the caller number of a fax-to-mail message from the recipient's own domain", async () => {
    const eml = orderMail({
      from: 'FaxServer <faxserver@proveedor.es>',
      to: 'Pedidos <pedidos@proveedor.es>',
      po: 'FL-2026-0403',
      subject: 'Fax de +34912345678 (1 pág.)',
    });
    const line = await extract('fax.eml', eml);
    expect(line.status).toBe('accepted');
    expect(line.order?.customer.id).toBe('C042');
  });
});
