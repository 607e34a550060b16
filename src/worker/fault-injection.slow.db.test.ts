import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_POINTS, type FaultPoint } from '../faults.ts';
import { DOVECOT } from '../testing/dovecot.ts';
import {
  type ChaosBatch,
  type ChaosShared,
  runScenario,
  type ScenarioReport,
  startChaos,
} from '../testing/faults.ts';
import { testEngine } from '../testing/db.ts';

/** Two interchanges of two messages and a broken one: accepted, review (unknown SKU, duplicate PO), rejected. */
const EDI: ChaosBatch = { ediFiles: 2, perFile: 2, faxPages: 0, mails: 0 };

/** Per point: the hit that kills (some land mid-batch) and what must be waiting to reach it. */
const PLAN: Record<FaultPoint, { hit: number; batch: ChaosBatch }> = {
  'submit.after-store': { hit: 2, batch: EDI },
  'imap.after-store': { hit: 2, batch: { ...EDI, ediFiles: 1, mails: 3 } },
  'imap.after-move': { hit: 1, batch: { ...EDI, ediFiles: 1, mails: 2 } },
  'worker.after-claim': { hit: 1, batch: EDI },
  'pipeline.after-read': { hit: 2, batch: EDI },
  'pipeline.inside-ocr': { hit: 1, batch: { ...EDI, faxPages: 2 } },
  'pipeline.after-extract': { hit: 1, batch: EDI },
  'pipeline.after-validate': { hit: 2, batch: EDI },
  'pipeline.before-commit': { hit: 1, batch: EDI },
  'pipeline.after-commit': { hit: 2, batch: EDI },
  'erp.before-send': { hit: 1, batch: EDI },
  'erp.after-send': { hit: 1, batch: EDI },
  'erp.after-record': { hit: 1, batch: EDI },
  'confirm.after-send': { hit: 2, batch: EDI },
};

/**
 * A process killed with SIGKILL at each fault point (src/faults.ts), then restarted without the
 * fault until everything settles: every document stored once and finished, every order final,
 * the ERP test server holding each delivered order once, confirmations once, the audit log
 * complete. Spawns `order-capture serve` (api, worker and connector roles) against the engine
 * under test; IMAP points use one real Dovecot for the whole suite.
 */
describe(`SIGKILL at every fault point (${testEngine})`, () => {
  const plan = FAULT_POINTS.map((point, i) => ({ point, tag: `K${i}`, ...PLAN[point] }));
  const runnable = plan.filter((p) => p.batch.mails === 0 || DOVECOT);
  const reports = new Map<FaultPoint, ScenarioReport | Error>();
  let shared: ChaosShared;

  // Two scenarios at a time: each spends most of its time waiting for its processes.
  beforeAll(async () => {
    shared = await startChaos({ imap: true });
    const queue = [...runnable];
    const lane = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const fault = `${p.point}@${p.hit}`;
        const r = await runScenario(shared, { fault, batch: p.batch }, p.tag).catch((e: Error) => e);
        reports.set(p.point, r);
        if (!(r instanceof Error)) {
          console.log(
            `${fault}: killed=${r.killed} restarts=${r.restarts} documents=${r.documents} orders=${r.orders} ` +
              `delivered=${r.delivered} confirmations=${r.confirmations} erp-replays=${r.erpReplays}`,
          );
        }
      }
    };
    await Promise.all([lane(), lane()]);
  }, 600_000);
  afterAll(async () => {
    await shared?.close();
    const done = [...reports.values()].filter((r): r is ScenarioReport => !(r instanceof Error));
    const sum = (f: (r: ScenarioReport) => number) => done.reduce((s, r) => s + f(r), 0);
    console.log(
      `fault injection (${testEngine}): ${sum((r) => (r.killed ? 1 : 0))} faults injected, ` +
        `${sum((r) => r.documents)} documents, ${sum((r) => r.orders)} orders checked`,
    );
  });

  it('has a plan for every point', () => {
    expect(Object.keys(PLAN).sort()).toEqual([...FAULT_POINTS].sort());
  });

  for (const { point, hit, batch } of plan) {
    it.skipIf(batch.mails > 0 && !DOVECOT)(`${point}@${hit}`, () => {
      const r = reports.get(point);
      if (r instanceof Error || !r) throw r ?? new Error('not run');
      expect(r.violations, r.log).toEqual([]);
      expect(r.killed, `${point}@${hit} was never reached`).toBe(true);
    });
  }
});
