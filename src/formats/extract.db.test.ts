/**
 * Every structured format end to end through `order-capture extract --data` (issue 14): files
 * written here, never seen before, read with the demo master data. Clean orders must be accepted
 * untouched and read field for field; the traps (unknown article, credit limit, not an order,
 * broken envelope) must be found, and nothing may be accepted that should not be.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtractLine, extractFiles } from '../cli/extract.ts';
import { loadConfig } from '../config.ts';
import { silentLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { countingOcr } from '../testing/hostile.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';
import { allFormats } from './registry.ts';
import { afOnlyPdf } from '../testing/af-pdf.ts';
import {
  cleanOrder,
  type SampleOrder,
  sheetRows,
  toCsv,
  toCxml,
  toOrderX,
  toUbl,
  toX12,
  toXlsx,
} from './testing.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/order-capture.js', import.meta.url));

async function orderXPdf(o: SampleOrder): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  page.drawText(`Pedido ${o.po}`, { x: 50, y: 780, size: 14, font });
  await pdf.attach(Buffer.from(toOrderX(o)), 'order-x.xml', { mimeType: 'text/xml' });
  return Buffer.from(await pdf.save());
}

let mails = 0;

function eml(name: string, type: string, body: Buffer, from: string): Buffer {
  const b64 = body.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      // The buyer's own address sends it (docs/threat-model.md: an e-mail is judged by its sender).
      `From: ${from}`,
      'To: pedidos@proveedor.es',
      'Subject: EDI delivery',
      `Message-ID: <edi-${++mails}-${Date.now()}@ferreterialopez.es>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Interchange attached.',
      '--b1',
      `Content-Type: ${type}; name="${name}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${name}"`,
      '',
      b64,
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

type Writer = (o: SampleOrder) => Buffer | Promise<Buffer>;

/** Each format: how the order is written, and the file name it travels under. */
const FORMATS: Record<string, { file: string; write: Writer }> = {
  x12: { file: 'order.x12', write: (o) => Buffer.from(toX12(o)) },
  ubl: { file: 'order.xml', write: (o) => Buffer.from(toUbl(o)) },
  // C042's Ariba network id is in its edi_ids; another buyer's is unknown, its contact e-mail names it.
  cxml: {
    file: 'order.cxml',
    write: (o) => Buffer.from(toCxml(o, o.email ? 'AN09999999999' : 'AN01000012345')),
  },
  'order-x': { file: 'order-x.xml', write: (o) => Buffer.from(toOrderX(o)) },
  'order-x-pdf': { file: 'order.pdf', write: orderXPdf },
  // Listed only in the catalog's /AF array (PDF 2.0 / PDF/A-3), not in the EmbeddedFiles tree.
  'order-x-af-pdf': {
    file: 'factur.pdf',
    write: (o) => afOnlyPdf(Buffer.from(toOrderX(o)), 'order-x.xml', `Pedido ${o.po}`),
  },
  csv: {
    file: 'pedido.csv',
    write: (o) => Buffer.from(toCsv(o, { decimalComma: true, shuffle: true }), 'latin1'),
  },
  xlsx: { file: 'pedido.xlsx', write: (o) => toXlsx(sheetRows(o, { shuffle: true })) },
  'x12-junk': { file: 'van.edi', write: (o) => Buffer.from(`VAN BATCH 17\r\n${toX12(o)}`) },
  'x12-email': {
    file: 'mail.eml',
    write: (o) =>
      eml('po.edi', 'application/edi-x12', Buffer.from(toX12(o)), o.email ?? 'compras@ferreterialopez.es'),
  },
  'ubl-email': {
    file: 'mail2.eml',
    write: (o) =>
      eml('order.xml', 'application/xml', Buffer.from(toUbl(o)), o.email ?? 'compras@ferreterialopez.es'),
  },
  as2: {
    file: 'message.as2',
    write: (o) =>
      Buffer.from(
        `AS2-Version: 1.2\r\nAS2-From: BUYER\r\nAS2-To: SUPPLIER\r\nMessage-ID: <${o.po}@as2>\r\nContent-Type: application/edi-x12\r\n\r\n${toX12(o)}`,
      ),
  },
};

/** C128 has a credit limit of 100 EUR and is found by its tax id. */
function overCredit(o: SampleOrder): SampleOrder {
  return {
    ...o,
    buyerId: '0000000000000',
    buyerName: 'Bricolaje Express SL',
    taxId: 'ESB28765432',
    email: 'compras@bricoexpress.es',
    lines: [{ ...o.lines[0]!, quantity: 2000 }],
  };
}

describe('every structured format through extract --data', () => {
  let t: TestDatabase;
  let dir: string;
  let seq = 0;
  // Structured formats never need OCR: the engine counts calls, and must see none.
  const ocr = countingOcr();
  const formats = allFormats(ocr);
  beforeAll(async () => {
    t = await createTestDatabase();
    await importMasterData(t.db, DEMO_MASTER_DATA);
    dir = await mkdtemp(join(tmpdir(), 'formats-'));
  });
  afterAll(async () => {
    expect(ocr.calls).toBe(0);
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function extract(format: string, o: SampleOrder): Promise<ExtractLine[]> {
    const { file, write } = FORMATS[format]!;
    const path = join(dir, `${++seq}-${file}`);
    await writeFile(path, await write(o));
    const lines: ExtractLine[] = [];
    const config = loadConfig({}, { dataDir: '/nonexistent' });
    await extractFiles({ db: t.db, config, log: silentLogger, deliverTo: null, formats }, [path], (l) =>
      lines.push(l),
    );
    return lines;
  }

  for (const format of Object.keys(FORMATS)) {
    it(`${format}: a clean order is accepted untouched, read field for field`, async () => {
      const o = cleanOrder(`PO-${format}-${Date.now()}`);
      const [line, ...more] = await extract(format, o);
      expect(more).toEqual([]);
      expect(line!.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      expect(line!.status).toBe('accepted');
      expect(line!.order).toMatchObject({
        customer: { id: 'C042' },
        poNumber: o.po,
        orderDate: o.date,
        deliveryDate: o.delivery,
        lines: [
          { sku: 'TOR-M8-40', quantity: 200, unitPrice: 0.12 },
          { sku: 'ARA-M8', quantity: 400, unitPrice: 0.018 },
        ],
      });
    });

    it(`${format}: an unknown article and a credit limit are found`, async () => {
      const o = cleanOrder(`PO-${format}-U${Date.now()}`);
      o.lines[1] = {
        sku: 'NO-SUCH-1',
        ref: 'ZZ-99',
        description: 'Unknown thing',
        quantity: 5,
        unit: 'EA',
        price: 1,
      };
      const [unknown] = await extract(format, o);
      expect(unknown!.status, JSON.stringify(unknown!.findings)).toBe('review');
      expect(unknown!.findings.map((f) => f.code)).toContain('unknown_sku');
      const [credit] = await extract(format, overCredit(cleanOrder(`PO-${format}-C${Date.now()}`)));
      expect(credit!.status).toBe('review');
      expect(credit!.findings.map((f) => f.code)).toContain('credit_limit_exceeded');
    });
  }

  it.each([
    ['x12', (o: SampleOrder) => toX12(o, { type: '855' })],
    ['ubl', (o: SampleOrder) => toUbl(o, 'OrderResponse')],
    [
      'cxml',
      (o: SampleOrder) =>
        toCxml(o, 'AN01000012345').replace(
          /<Request[\s\S]*<\/Request>/,
          '<Request><ConfirmationRequest/></Request>',
        ),
    ],
    ['order-x', (o: SampleOrder) => toOrderX(o, '231')],
    ['csv', () => 'Nombre;Ciudad;Teléfono\nAna;Madrid;910000000\nLuis;Lugo;982000000\n'],
  ])('%s: what is not an order is rejected as not_an_order', async (format, write) => {
    const path = join(dir, `${++seq}-not-an-order.${format}`);
    await writeFile(path, write(cleanOrder(`PO-N-${seq}`)));
    const lines: ExtractLine[] = [];
    const config = loadConfig({}, { dataDir: '/nonexistent' });
    await extractFiles({ db: t.db, config, log: silentLogger, deliverTo: null, formats }, [path], (l) =>
      lines.push(l),
    );
    expect(lines.map((l) => l.status)).toEqual(['rejected']);
    expect(lines[0]!.findings.map((f) => f.code)).toContain('not_an_order');
  });

  it.each([
    ['x12', (o: SampleOrder) => toX12(o, { seCountOffset: 3 }), 'review'],
    ['x12', (o: SampleOrder) => toX12(o).replace('GE*1*905', 'GE*2*905'), 'review'],
    ['ubl', (o: SampleOrder) => toUbl({ ...o, lines: [] }), 'rejected'],
    ['cxml', (o: SampleOrder) => toCxml(o, 'AN01000012345').replace(/orderID="[^"]*"/, ''), 'review'],
  ])('%s: a broken message is invalid_message and never accepted', async (format, write, status) => {
    const path = join(dir, `${++seq}-broken.${format}`);
    await writeFile(path, write(cleanOrder(`PO-B-${seq}`)));
    const lines: ExtractLine[] = [];
    const config = loadConfig({}, { dataDir: '/nonexistent' });
    await extractFiles({ db: t.db, config, log: silentLogger, deliverTo: null, formats }, [path], (l) =>
      lines.push(l),
    );
    expect(lines.map((l) => l.status)).toEqual([status]);
    expect(lines[0]!.findings.map((f) => f.code)).toContain('invalid_message');
  });
});

describe('order-capture extract (the program) on every structured format', () => {
  it('prints one accepted line per clean order, with the channel of its format', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'formats-bin-'));
    try {
      const files: string[] = [];
      for (const [name, { file, write }] of Object.entries(FORMATS)) {
        const path = join(dir, `${name}-${file}`);
        await writeFile(path, await write(cleanOrder(`BIN-${name}`)));
        files.push(path);
      }
      const { stdout } = await run(
        process.execPath,
        [BIN, 'extract', '--data', DEMO_MASTER_DATA, '--json', ...files],
        {
          maxBuffer: 10 * 1024 * 1024,
        },
      );
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.source, l.status])).toEqual(files.map((f) => [f, 'accepted']));
      expect(lines.map((l) => l.channel)).toEqual([
        'edi',
        'edi',
        'edi',
        'edi',
        'scan',
        'scan',
        'email',
        'email',
        'edi',
        'email',
        'email',
        'edi',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
