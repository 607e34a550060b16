/**
 * The ERP settings: the outbox deliverer's own (timeouts, lease, retries, giving up), then each
 * adapter's, read by the adapter itself (`readOptions` of every entry in `ERP_ADAPTERS`), so a new
 * adapter adds its settings in its own file. src/config.ts calls these two and nothing more.
 */
import type { OptionsContext, Reader } from '../config-source.ts';
import { ERP_ADAPTERS, type ErpAdapterId, type ErpAdapterOptions } from './adapters.ts';

/** What every adapter shares: how the outbox deliverer sends, retries and gives up. */
export interface ErpDeliveryConfig {
  adapter: ErpAdapterId;
  timeoutMs: number;
  /** How long a deliverer holds an outbox row; must outlast one request (timeoutMs). */
  leaseMs: number;
  /** An order the ERP keeps failing for this long (since queued or resent) is given up: `failed`. */
  giveUpAfterMs: number;
  /** A count of attempts that also gives up; null (the default): only the time above counts. */
  maxAttempts: number | null;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /**
   * Orders sent at once per deliverer. Arrival order holds across retries either way; with more
   * than one, up to that many sends already in flight may land before one that failed: 1 gives
   * the ERP strict arrival order.
   */
  concurrency: number;
}

export type ErpConfig = ErpDeliveryConfig & ErpAdapterOptions;

export function readErpConfig(r: Reader, ctx: OptionsContext): ErpConfig {
  const ids = ERP_ADAPTERS.map((p) => p.identifier) as ErpAdapterId[];
  const adapter = r.oneOf('erp.adapter', 'ORDERCAP_ERP_ADAPTER', ids, 'file');
  const own = Object.assign({}, ...ERP_ADAPTERS.map((p) => p.readOptions(r, ctx))) as ErpAdapterOptions;
  return {
    adapter,
    ...own,
    timeoutMs: r.int('erp.timeoutMs', 'ORDERCAP_ERP_TIMEOUT_MS', 10_000, 100, 600_000),
    leaseMs: r.int('erp.leaseMs', 'ORDERCAP_ERP_LEASE_MS', 60_000, 100, 3_600_000),
    giveUpAfterMs: Math.round(
      r.num('erp.giveUpHours', 'ORDERCAP_ERP_GIVE_UP_HOURS', 24, 0.001, 8760) * 3_600_000,
    ),
    maxAttempts: r.optInt('erp.maxAttempts', 'ORDERCAP_ERP_MAX_ATTEMPTS', 12, 1, 1_000_000),
    backoffBaseMs: r.int('erp.backoffBaseMs', 'ORDERCAP_ERP_BACKOFF_MS', 1000, 1, 3_600_000),
    backoffMaxMs: r.int('erp.backoffMaxMs', 'ORDERCAP_ERP_BACKOFF_MAX_MS', 300_000, 1, 86_400_000),
    concurrency: r.int('erp.concurrency', 'ORDERCAP_ERP_CONCURRENCY', 4, 1, 64),
  };
}

/** Problems that need all the ERP settings at once; after every setting was read. */
export function checkErpConfig(config: ErpConfig, problems: string[]): void {
  for (const p of ERP_ADAPTERS) p.check?.(config, problems);
  if (config.leaseMs <= config.timeoutMs) {
    problems.push('erp.leaseMs must be longer than erp.timeoutMs, or a slow request would outlive its lease');
  }
}
