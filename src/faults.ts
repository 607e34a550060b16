/**
 * Fault injection for the crash-safety tests: `ORDERCAP_FAULT=<point>[@<n>][,...]` makes the
 * process kill itself with SIGKILL when it reaches a named point (on its n-th hit, default the
 * first), exactly as a power cut or the OOM killer would. Unset (always, in production) a point
 * costs one size check.
 */

/** Every named point, in the order a document meets them. The fault-injection suite runs each. */
export const FAULT_POINTS = [
  // A connector's submit has committed; the connector has not confirmed to its source yet.
  'submit.after-store',
  'imap.after-store',
  'imap.after-move',
  // The document worker and the pipeline's stage boundaries.
  'worker.after-claim',
  'pipeline.after-read',
  'pipeline.inside-ocr',
  'pipeline.after-extract',
  'pipeline.after-validate',
  'pipeline.before-commit',
  'pipeline.after-commit',
  // ERP delivery: claimed, sent, recorded.
  'erp.before-send',
  'erp.after-send',
  'erp.after-record',
  // Confirmations: sent, not recorded.
  'confirm.after-send',
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

/** Parses `point[@n]` entries into the hit on which each point fires. */
export function parseFaults(spec: string): Map<string, number> {
  const armed = new Map<string, number>();
  for (const entry of spec.split(',')) {
    const [name, at] = entry.trim().split('@');
    if (!name) continue;
    const n = at === undefined ? 1 : Number(at);
    if (!Number.isInteger(n) || n < 1) throw new Error(`ORDERCAP_FAULT: bad hit count in "${entry}"`);
    armed.set(name, n);
  }
  return armed;
}

const armed = parseFaults(process.env.ORDERCAP_FAULT ?? '');
const hits = new Map<string, number>();

export function faultPoint(name: FaultPoint): void {
  if (armed.size === 0) return;
  const at = armed.get(name);
  if (at === undefined) return;
  const n = (hits.get(name) ?? 0) + 1;
  hits.set(name, n);
  if (n === at) process.kill(process.pid, 'SIGKILL');
}
