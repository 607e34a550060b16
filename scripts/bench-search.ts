/**
 * Archive search latency on PostgreSQL: loads N synthetic archived documents (default 100,000;
 * each with one page of Spanish or English order text, one order and 1-3 lines, for the demo
 * customers and products) into a scratch database, then times `searchArchive` over a mix of
 * searches and prints p50 / p95 / p99 / max per kind of search and overall. Target: p95 under
 * 200 ms. Skipped when no server answers at ORDERCAP_BENCH_PG_URL
 * (default postgres://postgres@127.0.0.1:5432/test).
 *
 *   node bin/run-ts.js scripts/bench-search.ts [--documents N] [--queries N]
 */
import { NoPostgresServer, type ScratchPostgres, scratchPostgres } from './scratch-db.ts';
import { parseArgs } from 'node:util';
import { type SearchQuery, searchArchive } from '../src/archive/search.ts';
import type { Db, Queryable } from '../src/db/db.ts';
import { importMasterData } from '../src/masterdata/import.ts';
import { DEMO_MASTER_DATA } from '../src/testing/pipeline.ts';

const { values } = parseArgs({
  options: {
    documents: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '240' },
  },
});
const DOCUMENTS = Number(values.documents);
const QUERIES = Number(values.queries);
const WARM_UP = 20;
const TARGET_P95_MS = 200;
const PG_URL = process.env.ORDERCAP_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Words of order correspondence, Spanish and English, drawn at random to pad each page. */
const FILLER = [
  'pedido',
  'entrega',
  'urgente',
  'almacén',
  'factura',
  'albarán',
  'plazo',
  'cantidad',
  'unidades',
  'precio',
  'descuento',
  'transporte',
  'palé',
  'caja',
  'obra',
  'material',
  'referencia',
  'confirmar',
  'rogamos',
  'suministro',
  'según',
  'oferta',
  'tarifa',
  'portes',
  'pagados',
  'muelle',
  'descarga',
  'horario',
  'mañana',
  'tarde',
  'lunes',
  'martes',
  'miércoles',
  'jueves',
  'viernes',
  'gracias',
  'saludos',
  'atención',
  'departamento',
  'compras',
  'proveedor',
  'envío',
  'parcial',
  'completo',
  'embalaje',
  'etiquetado',
  'lote',
  'stock',
  'reposición',
  'semana',
  'please',
  'deliver',
  'invoice',
  'delivery',
  'warehouse',
  'quantity',
  'order',
  'thanks',
  'regards',
  'schedule',
  'pallet',
  'dock',
  'ship',
  'pickup',
  'morning',
  'afternoon',
  'urgent',
  'confirm',
  'price',
  'discount',
  'freight',
  'partial',
  'backorder',
  'packing',
  'label',
  'site',
  'supplier',
  'purchasing',
  'terms',
  'payment',
];
const STREETS = [
  'Calle Mayor',
  'Avenida de la Constitución',
  'Calle de Alcalá',
  'Paseo de Gracia',
  'Gran Vía',
  'Calle Sierpes',
  'Avda. de la Industria',
  'Polígono Industrial Las Salinas, nave',
  'Calle del Carmen',
  'Ronda de Poniente',
  'Camino de Ronda',
  'Calle Colón',
  'Avenida del Puerto',
  'Calle San Vicente',
];
const CITIES = [
  'Madrid',
  'Barcelona',
  'Valencia',
  'Sevilla',
  'Zaragoza',
  'Málaga',
  'Murcia',
  'Bilbao',
  'Alicante',
  'Córdoba',
  'Valladolid',
  'Vigo',
  'Gijón',
  'Granada',
  'Oviedo',
  'Pamplona',
  'Santander',
  'Toledo',
];
const PEOPLE = [
  'María López',
  'Juan García',
  'Carmen Martínez',
  'José Fernández',
  'Lucía Sánchez',
  'Antonio Ruiz',
  'Pilar Gómez',
  'Javier Díaz',
  'John Smith',
  'Sarah Jones',
  'David Brown',
  'Emma Wilson',
];
/** Rare sentences and how rarely (1 in N documents) a page holds each: searches that hit few. */
const RARE: Array<[string, number]> = [
  ['Obra: Polideportivo Valdebebas, descargar en almacén.', 500],
  ['Incluir certificado del acero al wolframio.', 2000],
  ['Atención: piezas con recubrimiento de zirconio.', 5000],
  ['Ref. proyecto ornitorrinco.', 20000],
];

/** A deterministic pseudo-random non-negative int4 from a row number and a salt. */
const h = (n: string, salt: number) => `(hashint8((${n})::int8 * 1000 + ${salt}) & 2147483647)`;
const pick = (arr: string, n: string, salt: number) => `(${arr})[1 + ${h(n, salt)} % cardinality(${arr})]`;

const STATEMENTS = {
  blobs: `INSERT INTO blobs (sha256, size, bytes)
    SELECT encode(sha256(b), 'hex'), length(b), b
      FROM (SELECT convert_to('bench-search blob ' || k, 'UTF8') AS b FROM generate_series(1, 8) k) s`,
  products: `CREATE TEMP TABLE bench_prod ON COMMIT DROP AS
    SELECT row_number() OVER (ORDER BY sku) - 1 AS i, sku, description, unit, unit_price FROM products`,
  docs: `CREATE TEMP TABLE bench_doc ON COMMIT DROP AS
    WITH c AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(name ORDER BY id) AS names FROM customers),
         b AS (SELECT array_agg(sha256 ORDER BY sha256) AS shas FROM blobs)
    SELECT g AS n,
           ${pick(`ARRAY['email','fax','edi','web','scan']`, 'g', 1)} AS channel,
           date_trunc('second', now() - make_interval(secs => ${h('g', 2)} % (365 * 86400))) AS received_at,
           c.ids[1 + ${h('g', 3)} % cardinality(c.ids)] AS customer_id,
           c.names[1 + ${h('g', 3)} % cardinality(c.ids)] AS customer_name,
           ${pick(`ARRAY['delivered','delivered','delivered','delivered','delivered','accepted','accepted','review','review','rejected']`, 'g', 4)} AS status,
           1 + ${h('g', 5)} % 3 AS nlines,
           ${h('g', 6)} % 5 = 0 AS english,
           ${pick('$1::text[]', 'g', 7)} || ' ' || (1 + ${h('g', 8)} % 180) AS street,
           lpad((1000 + ${h('g', 9)} % 51000)::text, 5, '0') AS zip,
           ${pick('$2::text[]', 'g', 10)} AS city,
           ${pick('$3::text[]', 'g', 11)} AS person,
           ${pick('b.shas', 'g', 12)} AS sha256,
           (SELECT string_agg(${pick('$4::text[]', 'g::int8 * 128 + k', 13)}, ' ')
              FROM generate_series(1, 15 + ${h('g', 14)} % 35) k) AS filler,
           concat_ws(' ', ${RARE.map(([, every], i) => `CASE WHEN ${h('g', 20 + i)} % ${every} = 0 THEN ($5::text[])[${i + 1}] END`).join(', ')}) AS rare
      FROM generate_series(1, $6::int) g, c, b`,
  lines: `CREATE TEMP TABLE bench_line ON COMMIT DROP AS
    SELECT d.n, k AS line_no, p.sku, p.description, p.unit, p.unit_price,
           (ARRAY[10, 25, 50, 100, 200, 300, 400, 500, 1000])[1 + ${h('d.n::int8 * 4 + k', 15)} % 9] AS quantity
      FROM bench_doc d
     CROSS JOIN generate_series(1, d.nlines) k
      JOIN bench_prod p ON p.i = (${h('d.n', 16)} + k * 7) % (SELECT count(*) FROM bench_prod)`,
  texts: `CREATE TEMP TABLE bench_text ON COMMIT DROP AS
    SELECT d.n, l.total, concat_ws(E'\\n',
             CASE WHEN d.english THEN 'PURCHASE ORDER PO-' || d.n || '  Date: ' || to_char(d.received_at, 'DD/MM/YYYY')
                  ELSE 'PEDIDO DE COMPRA Nº PO-' || d.n || '  Fecha: ' || to_char(d.received_at, 'DD/MM/YYYY') END,
             CASE WHEN d.english THEN 'Customer: ' ELSE 'Cliente: ' END || d.customer_name || ' (' || d.customer_id || ')',
             CASE WHEN d.english THEN 'Deliver to: ' ELSE 'Dirección de entrega: ' END
               || d.street || ', ' || d.zip || ' ' || d.city,
             CASE WHEN d.english THEN 'Please supply:' ELSE 'Rogamos nos suministren:' END,
             l.lines,
             d.filler,
             nullif(d.rare, ''),
             CASE WHEN d.english THEN 'Kind regards, ' || d.person || ', Purchasing'
                  ELSE 'Atentamente, ' || d.person || ', Dpto. de Compras' END) AS text
      FROM bench_doc d
      JOIN (SELECT n, sum(quantity * unit_price) AS total,
                   string_agg(line_no || '. ' || quantity || ' ' || unit || ' ' || description || ' ref ' || sku
                              || ' a ' || replace(trim_scale(unit_price)::text, '.', ',') || ' EUR', E'\\n'
                              ORDER BY line_no) AS lines
              FROM bench_line GROUP BY n) l USING (n)`,
  documents: `INSERT INTO documents (id, sha256, size, channel, source_ref, sender, customer_id, filename,
                                     content_type, received_at, status, processed_at, created_at)
    OVERRIDING SYSTEM VALUE
    SELECT d.n, d.sha256, 4000 + d.n % 90000, d.channel, 'bench:' || d.n,
           CASE d.channel WHEN 'email' THEN 'compras@cliente' || d.n % 97 || '.es'
                          WHEN 'fax' THEN '+3491' || lpad((d.n % 10000000)::text, 7, '0') END,
           d.customer_id,
           CASE d.channel WHEN 'edi' THEN 'orders-' || d.n || '.edi' WHEN 'web' THEN NULL
                          WHEN 'fax' THEN 'fax-' || d.n || '.tif' ELSE 'pedido-' || d.n || '.pdf' END,
           CASE d.channel WHEN 'edi' THEN 'application/edifact' WHEN 'web' THEN 'application/json'
                          WHEN 'fax' THEN 'image/tiff' ELSE 'application/pdf' END,
           d.received_at, 'processed', d.received_at + interval '40 seconds', d.received_at
      FROM bench_doc d`,
  pages: `INSERT INTO document_pages (document_id, page_no, width, height, source, confidence, text)
    SELECT d.n, 1, 1728, 2292, CASE WHEN d.channel IN ('fax', 'scan') THEN 'ocr' ELSE 'text-layer' END,
           CASE WHEN d.channel IN ('fax', 'scan') THEN 0.91 ELSE 1 END, t.text
      FROM bench_doc d JOIN bench_text t USING (n)`,
  orders: `INSERT INTO orders (id, document_id, seq, customer_id, po_number, order_date, delivery_date, currency,
                               total, order_value, status, confidence, data, source_text, created_at, decided_at,
                               delivered_at)
    OVERRIDING SYSTEM VALUE
    SELECT d.n, d.n, 1, d.customer_id, 'PO-' || d.n, d.received_at::date, d.received_at::date + 7,
           'EUR', t.total, t.total, d.status, 0.95,
           jsonb_build_object('poNumber', 'PO-' || d.n, 'customerId', d.customer_id), t.text,
           d.received_at, d.received_at + interval '5 minutes',
           CASE WHEN d.status = 'delivered' THEN d.received_at + interval '6 minutes' END
      FROM bench_doc d
      JOIN bench_text t USING (n)`,
  orderLines: `INSERT INTO order_lines (order_id, line_no, sku, description, quantity, unit, unit_price, amount)
    SELECT n, line_no, sku, description, quantity, unit, unit_price, quantity * unit_price FROM bench_line`,
};

/** The search mix: each kind cycles through its variants. */
const KINDS: Array<{ kind: string; queries: SearchQuery[] }> = [
  {
    kind: 'text, one common word',
    queries: [{ text: 'urgente' }, { text: 'tornillo' }, { text: 'delivery' }, { text: 'Madrid' }],
  },
  {
    kind: 'text, one rare word',
    queries: [{ text: 'Valdebebas' }, { text: 'wolframio' }, { text: 'zirconio' }, { text: 'ornitorrinco' }],
  },
  {
    kind: 'text, two words',
    queries: [
      { text: 'tornillo zincado' },
      { text: 'entrega urgente' },
      { text: 'Sevilla arandela' },
      { text: 'pallet backorder' },
    ],
  },
  {
    kind: 'customer name part',
    queries: [{ customer: 'garcia' }, { customer: 'lopez' }, { customer: 'Yunque' }, { customer: 'C170' }],
  },
  {
    kind: 'PO prefix',
    queries: [{ po: 'PO-1234' }, { po: 'PO-777' }, { po: 'po-4242' }, { po: 'PO-99' }],
  },
  {
    kind: 'article / SKU',
    queries: [
      { article: 'TUE-M8' },
      { article: 'BRO-HSS' },
      { article: 'tuerca' },
      { article: 'flexometro' },
    ],
  },
  { kind: 'date range + status', queries: [] }, // filled in below from today's date
  {
    kind: 'channel + text',
    queries: [
      { channel: 'fax', text: 'urgente' },
      { channel: 'edi', text: 'tornillo' },
      { channel: 'email', text: 'Valdebebas' },
      { channel: 'scan', text: 'Bilbao' },
    ],
  },
];
{
  const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
  KINDS[6]!.queries = [
    { from: day(30), to: day(0), status: 'review' },
    { from: day(200), to: day(170), status: 'rejected' },
    { from: day(90), to: day(60), status: 'accepted' },
    { from: day(364), to: day(300), status: 'delivered' },
  ];
}

async function load(db: Db): Promise<void> {
  await importMasterData(db, DEMO_MASTER_DATA);
  const tables = ['documents', 'document_pages', 'orders', 'order_lines'];
  // Bulk load as a restore does: the secondary indexes (GIN full text among them) are dropped,
  // the rows inserted set-based, then the same indexes rebuilt from their own definitions.
  const indexes = await db.query<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
      WHERE t.relname = ANY($1::text[]) AND t.relnamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
      ORDER BY 1`,
    [tables],
  );
  const t0 = performance.now();
  const steps: string[] = [];
  const counts = await db.transaction(async (tx) => {
    const step = async (label: string, sql: string, params?: unknown[]) => {
      const t = performance.now();
      await tx.query(sql, params);
      steps.push(`${label} ${s(performance.now() - t)}`);
    };
    await tx.exec(`SET LOCAL work_mem = '64MB'`);
    for (const ix of indexes) await tx.exec(`DROP INDEX ${ix.name}`);
    await tx.exec(STATEMENTS.blobs);
    await tx.exec(STATEMENTS.products);
    await step('generate', STATEMENTS.docs, [
      STREETS,
      CITIES,
      PEOPLE,
      FILLER,
      RARE.map(([t]) => t),
      DOCUMENTS,
    ]);
    await tx.exec(STATEMENTS.lines);
    await tx.exec(STATEMENTS.texts);
    await step('documents', STATEMENTS.documents);
    await step('pages', STATEMENTS.pages);
    await step('orders', STATEMENTS.orders);
    await step('lines', STATEMENTS.orderLines);
    for (const t of ['documents', 'orders']) {
      await tx.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT max(id) FROM ${t}))`);
    }
    return countRows(tx);
  });
  const t1 = performance.now();
  await db.transaction(async (tx) => {
    await tx.exec(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const ix of indexes) await tx.exec(ix.def);
  });
  const t2 = performance.now();
  await db.exec(`ANALYZE`);
  const t3 = performance.now();
  const words = await db.query<{ avg: number; min: number; max: number }>(
    `SELECT round(avg(n), 1) AS avg, min(n) AS min, max(n) AS max
       FROM (SELECT array_length(regexp_split_to_array(trim(text), '\\s+'), 1) AS n FROM document_pages) s`,
  );
  const [size] = await db.query<{ size: string }>(
    `SELECT pg_size_pretty(pg_database_size(current_database())) AS size`,
  );
  console.log(
    `loaded ${counts}: ${s(t1 - t0)} s (${steps.join(', ')} s); ${indexes.length} indexes rebuilt in ${s(t2 - t1)} s; ` +
      `ANALYZE ${s(t3 - t2)} s; database ${size!.size}; words per page avg ${words[0]!.avg} ` +
      `(${words[0]!.min}-${words[0]!.max})`,
  );
}

async function countRows(q: Queryable): Promise<string> {
  const [r] = await q.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM document_pages) AS pages,
            (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_lines) AS lines`,
  );
  return Object.entries(r!)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
}

const s = (ms: number) => (ms / 1000).toFixed(1);

/** Nearest-rank percentile of sorted values. */
const pct = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)]!;

function row(label: string, ms: number[], hits?: number[]): string {
  const x = [...ms].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(1).padStart(7);
  const avgHits = hits ? (hits.reduce((a, b) => a + b, 0) / hits.length).toFixed(0).padStart(5) : '';
  return (
    `${label.padEnd(24)} ${String(x.length).padStart(4)} ${f(pct(x, 0.5))} ${f(pct(x, 0.95))} ` +
    `${f(pct(x, 0.99))} ${f(x[x.length - 1]!)} ${avgHits}`
  );
}

async function bench(db: Db): Promise<void> {
  await load(db);
  const plan = Array.from({ length: WARM_UP + QUERIES }, (_, i) => {
    const k = KINDS[i % KINDS.length]!;
    return { kind: k.kind, query: k.queries[Math.floor(i / KINDS.length) % k.queries.length]! };
  });
  const times = new Map<string, number[]>(KINDS.map((k) => [k.kind, []]));
  const hits = new Map<string, number[]>(KINDS.map((k) => [k.kind, []]));
  for (const [i, { kind, query }] of plan.entries()) {
    const t0 = performance.now();
    const res = await searchArchive(db, query);
    const ms = performance.now() - t0;
    if (i < WARM_UP) continue;
    times.get(kind)!.push(ms);
    hits.get(kind)!.push(res.length);
  }
  const all = [...times.values()].flat();
  console.log(`\n${QUERIES} searches after ${WARM_UP} warm-up, limit 100 hits, ms:`);
  console.log(
    `${'kind'.padEnd(24)} ${'n'.padStart(4)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)} ${'hits'.padStart(5)}`,
  );
  for (const k of KINDS) console.log(row(k.kind, times.get(k.kind)!, hits.get(k.kind)!));
  console.log(row('overall', all));
  const p95 = pct(
    [...all].sort((a, b) => a - b),
    0.95,
  );
  console.log(
    `\noverall p95 ${p95.toFixed(1)} ms: ${p95 < TARGET_P95_MS ? 'under' : 'OVER'} the ${TARGET_P95_MS} ms target`,
  );
}

async function withPostgres(fn: (db: Db) => Promise<void>): Promise<void> {
  let scratch: ScratchPostgres;
  try {
    scratch = await scratchPostgres(PG_URL, `oc_bench_search_${process.pid}`, 2);
  } catch (err) {
    if (!(err instanceof NoPostgresServer)) throw err;
    console.log(`postgres skipped: ${err.message}`);
    return;
  }
  try {
    await fn(scratch.db);
  } finally {
    await scratch.close();
  }
}

console.log(`archive search on PostgreSQL, ${DOCUMENTS} documents, node ${process.version}`);
await withPostgres(bench);
