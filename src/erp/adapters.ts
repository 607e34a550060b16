import type { ErpConfig } from '../config.ts';
import { OrderCaptureError } from '../errors.ts';
import type { ErpAdapter, ErpAdapterProvider } from './adapter.ts';
import { FileErpAdapter, type FileErpOptions } from './file-adapter.ts';
import { HttpErpAdapter, type HttpErpOptions } from './http-adapter.ts';

/**
 * Every ERP adapter there is. A new one is a class with `identifier`, `readOptions` and
 * `fromConfig`, listed here with its id and its options (the ERP configuration holds them all).
 */
export const ERP_ADAPTERS: readonly ErpAdapterProvider[] = [FileErpAdapter, HttpErpAdapter];
export type ErpAdapterId = 'file' | 'http';
export type ErpAdapterOptions = FileErpOptions & HttpErpOptions;

/** The adapter `config.adapter` names, its options validated now (start-up), not at first use. */
export function createErpAdapter(config: ErpConfig): ErpAdapter {
  const matches = ERP_ADAPTERS.filter((p) => p.identifier === config.adapter);
  if (matches.length !== 1) {
    const known = ERP_ADAPTERS.map((p) => p.identifier).join(', ');
    throw new OrderCaptureError(
      'config_invalid',
      matches.length === 0
        ? `unknown ERP adapter "${config.adapter}" (known: ${known})`
        : `ERP adapter "${config.adapter}" is registered ${matches.length} times`,
    );
  }
  return matches[0]!.fromConfig(config);
}
