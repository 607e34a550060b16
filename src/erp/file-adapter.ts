import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { ErpConfig } from '../config.ts';
import type { OptionsContext, Reader } from '../config-source.ts';
import { OrderCaptureError } from '../errors.ts';
import type { Delivery, DeliveryResult, ErpAdapter } from './adapter.ts';
import { canonicalOrderJson } from '../domain/canonical-json.ts';

export interface FileAdapterOptions {
  /** Absolute folder the ERP (or a person) picks `<orderId>.json` files up from. */
  dir: string;
}

/**
 * The default stand-in ERP: one pretty canonical-order JSON file per order. A resend after a
 * crash rewrites the same file with the same bytes, so the effect is the same as one delivery.
 *
 * Each file's bytes are on disk when `deliver` returns; its name is on disk once `flush` has
 * synced the folder. Syncing the folder once per batch instead of once per file is safe because
 * the deliverer records a batch only after `flush`: a crash before it leaves every order of the
 * batch unrecorded, and each is rewritten under its own name after the lease runs out.
 */
export interface FileErpOptions {
  /** The folder the file adapter writes one JSON file per order into. */
  fileDir: string;
}

export class FileErpAdapter implements ErpAdapter {
  static readonly identifier = 'file' as const;
  readonly identifier = FileErpAdapter.identifier;
  private readonly dir: string;
  /** Renames done since the folder was last synced. */
  private unsynced = 0;

  constructor(options: FileAdapterOptions) {
    if (!options.dir || !isAbsolute(options.dir)) {
      throw new OrderCaptureError('config_invalid', `file ERP adapter: dir must be an absolute path`);
    }
    this.dir = options.dir;
  }

  /** Its settings, read whichever adapter is chosen (so their names are known). */
  static readOptions(r: Reader, ctx: OptionsContext): FileErpOptions {
    return { fileDir: resolve(r.str('erp.fileDir', 'ORDERCAP_ERP_DIR', `${ctx.dataDir}/erp-out`)) };
  }

  static fromConfig(config: ErpConfig): FileErpAdapter {
    return new FileErpAdapter({ dir: config.fileDir });
  }

  async deliver(delivery: Delivery): Promise<DeliveryResult> {
    const name = `${delivery.orderId}.json`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeAtomically(this.dir, name, `${canonicalOrderJson(delivery.order, true)}\n`);
      this.unsynced += 1;
      return { kind: 'delivered', reference: name };
    } catch (err) {
      // A full disk or a permission problem can be fixed by an operator: try again later.
      return { kind: 'retry', error: `cannot write ${join(this.dir, name)}: ${(err as Error).message}` };
    }
  }

  /** Makes the renames of every file delivered so far durable, with one sync of the folder. */
  async flush(): Promise<void> {
    if (this.unsynced === 0) return;
    // Reset first: a rename finishing while the sync runs is counted for the next flush.
    this.unsynced = 0;
    await syncDir(this.dir);
  }
}

/**
 * Readers of the folder see the old file or the complete new one, never a half-written one:
 * the bytes go to a temporary file in the same folder (same file system, so rename is atomic),
 * are flushed to disk, and only then take the final name. The rename is durable once the folder
 * is synced (`FileErpAdapter.flush`).
 */
async function writeAtomically(dir: string, name: string, text: string): Promise<void> {
  const tmp = join(dir, `.${name}.${randomUUID()}.tmp`);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, join(dir, name));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Makes the rename itself durable; not every platform lets a folder be fsynced. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort (Windows, some network file systems): the file itself is already on disk.
  }
}
