/**
 * Fault injection for the crash-safety tests: `ORDERCAP_FAULT=<point>[,<point>...]` makes the
 * process kill itself with SIGKILL when it reaches a named point, exactly as a power cut or the
 * OOM killer would. Unset (always, in production) this costs one Set lookup.
 *
 * Points: pipeline.before-commit, pipeline.after-commit, erp.after-send, drop.after-submit.
 */
const armed = new Set(
  (process.env.ORDERCAP_FAULT ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export function faultPoint(name: string): void {
  if (armed.size > 0 && armed.has(name)) process.kill(process.pid, 'SIGKILL');
}
