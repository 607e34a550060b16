import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { issueToken } from '../customers/tokens.ts';
import { formatImportReport, importMasterData } from '../masterdata/import.ts';
import { createUser, findUserByLogin, setPassword } from '../review/auth.ts';
import { writeDemoPaper } from './demo-paper.ts';
import { runServe } from './serve.ts';
import { projectPath } from '../project-root.ts';

const fixtures = projectPath('fixtures');

/**
 * `npm start`: the service on the embedded database with demo master data, a customer token
 * and demo EDIFACT orders dropped in the folder on first start; prints where to look.
 */
export async function runDemo(): Promise<number> {
  return runServe(async ({ db, url }, config) => {
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM customers');
    const firstStart = row?.n === 0;
    if (firstStart) {
      const report = await importMasterData(db, join(fixtures, 'masterdata'));
      process.stdout.write(`demo master data:\n${formatImportReport(report)}\n`);
    }
    const token = await issueToken(db, 'C042');
    // An operator for the review queue; its password is made once and kept beside the data, so
    // every start prints the same one (and a browser's saved password keeps working).
    const password = await demoPassword(config.dataDir);
    const demoUser = await findUserByLogin(db, 'demo');
    if (demoUser) await setPassword(db, demoUser.id, password, 'system:demo');
    else
      await createUser(db, { login: 'demo', name: 'Demo Operator', role: 'admin', password }, 'system:demo');
    if (firstStart) {
      await mkdir(config.edifact.dropDir, { recursive: true });
      for (const f of (await readdir(join(fixtures, 'demo'))).filter((f) => !f.startsWith('.'))) {
        await copyFile(join(fixtures, 'demo', f), join(config.edifact.dropDir, f));
      }
      // Paper too: a fax, a scanned PDF and an e-mail with a PDF order, read by OCR in the background.
      const paper = await writeDemoPaper({ faxDir: config.fax.dropDir, mailDir: config.mail.dropDir });
      process.stdout.write(`demo documents:\n${paper.map((p) => `  ${p}`).join('\n')}\n`);
    }
    if (!url) return;
    process.stdout.write(
      [
        '',
        `order-capture demo is running at ${url}`,
        `  order form for customer C042: ${url}/portal?token=${token}`,
        `  API:         curl -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' \\`,
        `                 --data @fixtures/web/order-c042.json ${url}/api/orders`,
        `  review queue: ${url}/review   (login demo, password ${password})`,
        `  health:      ${url}/health      metrics: ${url}/metrics`,
        `  drop folders: EDIFACT ${config.edifact.dropDir}, fax ${config.fax.dropDir}, e-mail ${config.mail.dropDir}`,
        `  orders delivered to the ERP (file adapter): ${config.erp.fileDir}`,
        `  ORDRSP confirmations for EDI customers: ${config.confirm.ediDir}`,
        `  data (PGlite, documents): ${config.dataDir}`,
        'Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
  });
}

/** The demo operator's password: read from DATA_DIR/demo-password, made there on first start. */
export async function demoPassword(dataDir: string): Promise<string> {
  const file = join(dataDir, 'demo-password');
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (kept.length >= 12) return kept;
  } catch {
    // First start: made below.
  }
  const password = randomBytes(12).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}
