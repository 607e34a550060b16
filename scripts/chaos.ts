/**
 * The fault-injection suite at full length: every fault point (src/faults.ts), each at several
 * hit counts so that kills land early, mid-batch and late, on larger batches than CI runs.
 * A killed `order-capture serve` is restarted without the fault until everything settles, then
 * the invariant is checked over the whole database (src/testing/fault-invariants.ts).
 *
 *   node bin/run-ts.js scripts/chaos.ts [--hits 1,2,3] [--edi-files 4] [--per-file 3]
 *                                       [--mails 4] [--fax-pages 3] [--lanes 2] [--only PREFIX]
 *
 * PGlite by default; ORDERCAP_TEST_DB=postgres runs against the local PostgreSQL server.
 * Exit status 1 when any invariant broke.
 */
import { parseArgs } from 'node:util';
import { FAULT_POINTS, type FaultPoint } from '../src/faults.ts';
import { testEngine } from '../src/testing/db.ts';
import { type ChaosBatch, runScenario, type ScenarioReport, startChaos } from '../src/testing/faults.ts';

const { values } = parseArgs({
  options: {
    hits: { type: 'string', default: '1,2,3' },
    'edi-files': { type: 'string', default: '4' },
    'per-file': { type: 'string', default: '3' },
    mails: { type: 'string', default: '4' },
    'fax-pages': { type: 'string', default: '3' },
    lanes: { type: 'string', default: '2' },
    only: { type: 'string', default: '' },
  },
});
const hits = values.hits.split(',').map(Number);
const base: ChaosBatch = {
  ediFiles: Number(values['edi-files']),
  perFile: Number(values['per-file']),
  faxPages: 0,
  mails: 0,
};

const WITH_FAX = new Set<FaultPoint>([
  'pipeline.inside-ocr',
  'pipeline.after-extract',
  'pipeline.before-commit',
]);

/** OCR is slow: a fax goes only to points it tests best; mail only where IMAP is. */
function batchFor(point: FaultPoint, imap: boolean): ChaosBatch {
  return {
    ...base,
    faxPages: WITH_FAX.has(point) ? Number(values['fax-pages']) : 0,
    mails: imap && (point.startsWith('imap.') || point.startsWith('submit.')) ? Number(values.mails) : 0,
  };
}

const shared = await startChaos({ imap: true });
if (!shared.imap) console.log('dovecot is not installed: IMAP points run without mail and are not reached');
const plan = FAULT_POINTS.filter((p) => p.startsWith(values.only)).flatMap((point) =>
  hits.map((hit, i) => ({ point, hit, tag: `C${FAULT_POINTS.indexOf(point)}H${i}` })),
);
const reports: ScenarioReport[] = [];
const errors: string[] = [];
const started = Date.now();
const queue = [...plan];
const lane = async () => {
  for (let p = queue.shift(); p; p = queue.shift()) {
    const fault = `${p.point}@${p.hit}`;
    try {
      const r = await runScenario(shared, { fault, batch: batchFor(p.point, shared.imap !== null) }, p.tag);
      reports.push(r);
      const verdict = r.violations.length ? `BROKEN: ${r.violations.join('; ')}` : 'ok';
      // broken.edi is rejected by design; anything else rejected is worth a look (given up?).
      const unexpected = r.rejected.filter((x) => !x.startsWith('broken.edi:'));
      console.log(
        `${fault.padEnd(28)} ${r.killed ? 'killed     ' : 'not reached'} restarts=${r.restarts} ` +
          `documents=${r.documents} orders=${r.orders} delivered=${r.delivered} ` +
          `confirmations=${r.confirmations} erp-replays=${r.erpReplays} ${verdict}`,
      );
      for (const x of unexpected) console.log(`${' '.repeat(29)}rejected ${x}`);
    } catch (err) {
      errors.push(`${fault}: ${(err as Error).message}`);
      console.log(`${fault.padEnd(28)} HARNESS ERROR ${(err as Error).message.split('\n')[0]}`);
    }
  }
};
try {
  await Promise.all(Array.from({ length: Math.max(1, Number(values.lanes)) }, lane));
} finally {
  await shared.close();
}

const sum = (f: (r: ScenarioReport) => number) => reports.reduce((s, r) => s + f(r), 0);
const broken = reports.filter((r) => r.violations.length > 0);
console.log(
  `\nchaos (${testEngine}): ${plan.length} scenarios over ${FAULT_POINTS.length} points in ` +
    `${Math.round((Date.now() - started) / 1000)} s; faults injected ${sum((r) => (r.killed ? 1 : 0))}, ` +
    `not reached ${sum((r) => (r.killed ? 0 : 1))}; checked ${sum((r) => r.documents)} documents, ` +
    `${sum((r) => r.orders)} orders (${sum((r) => r.delivered)} delivered, ` +
    `${sum((r) => r.confirmations)} confirmations, ${sum((r) => r.erpReplays)} ERP replays); ` +
    `clean restarts ${sum((r) => r.restarts)}; invariant broken in ${broken.length}, harness errors ${errors.length}`,
);
for (const e of errors) console.log(`  ${e}`);
process.exitCode = broken.length > 0 || errors.length > 0 ? 1 : 0;
