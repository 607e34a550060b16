import { runUserCommand } from '../review/users-cli.ts';
import { FILE_SPECS } from '../masterdata/files.ts';
import { createProgress } from './progress.ts';
import { loadConfig } from '../config.ts';
import { issueToken, knownCustomerId, revokeTokens } from '../customers/tokens.ts';
import { openDatabase } from '../db/open.ts';
import { formatImportReport, importMasterData } from '../masterdata/import.ts';

/**
 * `order-capture import DIR`: refused rows are reported by file and line and the rest loads, so
 * the exit status is 0 unless nothing could be loaded at all (no such folder, no known CSV).
 */
export async function runImport(dir: string): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    // At most one step per master-data file; files that are absent are simply not loaded.
    const progress = createProgress(FILE_SPECS.length, 'import');
    const report = await importMasterData(db, dir, (file) => progress.tick(file));
    progress.done();
    process.stdout.write(`${formatImportReport(report)}\n`);
    return report.files.length > 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

/**
 * `order-capture token CUSTOMER_ID`: prints the new token once; only its hash is kept.
 * `order-capture token revoke CUSTOMER_ID`: every live token of the customer stops working.
 */
export async function runToken(customerId: string, action: 'issue' | 'revoke' = 'issue'): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    if (action === 'revoke') {
      const id = await knownCustomerId(db, customerId);
      const n = await revokeTokens(db, id);
      process.stdout.write(`revoked ${n} token(s) of customer ${id}\n`);
    } else {
      process.stdout.write(`${await issueToken(db, customerId)}\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}

/** `order-capture user add LOGIN "NAME" [--admin]` / `user disable LOGIN`: review workspace accounts. */
export async function runUser(args: string[]): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    return await runUserCommand(db, args, (s) => process.stdout.write(`${s}\n`));
  } finally {
    await db.close();
  }
}
