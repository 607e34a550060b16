import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config.ts';
import { OrderCaptureError } from '../errors.ts';
import { USER_USAGE } from '../review/users-cli.ts';
import { projectPath } from '../project-root.ts';

const COMMANDS: Record<string, string> = {
  import: `order-capture import DIR
  load master-data CSVs (customers, products, cross_refs, prices, order_history) from DIR into
  the database; wrong rows are reported by file and line and the rest loads`,
  token: `order-capture token CUSTOMER_ID
  issue an access token for a customer's web form, portal and API; printed once, only its hash
  is kept (the id is matched case-insensitively: c042 is C042)
order-capture token revoke CUSTOMER_ID
  revoke every token of that customer`,
  user: USER_USAGE.replace(/^usage: /, '').replace(/\n {7}/g, '\n'),
  serve: `order-capture serve
  run connectors, workers and the HTTP server (ORDERCAP_ROLES=api,worker,connectors picks some)`,
  worker: `order-capture worker
  run pipeline and ERP-delivery workers only (scale-out, on PostgreSQL)`,
  erp: `order-capture erp retry [--all | ORDER_ID...]
  send failed ERP deliveries again, oldest first, under the same Idempotency-Key (each one an
  audit event)`,
  extract: `order-capture extract [--data DIR] [--json] FILE...
  run the whole pipeline on files, one line per order; --data DIR: on a fresh embedded database
  loaded from DIR, posting nothing anywhere; --json: one JSON object per line (CONTRACTS.md)
order-capture extract --data DIR --teach PAIRS.ndjson [--json] FILE...
  first teach each {"source": PATH, "order": {...}} line of PAIRS.ndjson (as if approved in
  review), then extract`,
  teach: `order-capture teach FILE ORDER.json
  store FILE as received and ORDER.json as what a person confirmed for it; its layout is learned
order-capture teach --history DIR
  the same for every NAME in DIR with NAME.order.json beside it, with progress and a summary`,
  demo: `order-capture demo
  serve with demo master data and documents: EDIFACT, a fax, a scanned PDF and an e-mail (npm start)`,
};

const USAGE = `usage: order-capture COMMAND [options]      (order-capture COMMAND --help for one)

commands:
${Object.values(COMMANDS)
  .map((h) => `  ${h.replace(/\n/g, '\n  ')}`)
  .join('\n')}

settings come from the environment (DATABASE_URL, ORDERCAP_DATA_DIR, HOST, PORT, ...) and the
file named by ORDERCAP_CONFIG; see README.md.`;

class UsageError extends Error {}

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(projectPath('package.json'), 'utf8'));
  return `order-capture ${pkg.version}`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command && COMMANDS[command] && wantsHelp(rest)) {
    process.stdout.write(`usage: ${COMMANDS[command]}\n`);
    return 0;
  }
  switch (command) {
    case 'import': {
      const [dir, ...extra] = positionals(rest, 1);
      if (!dir || extra.length > 0) throw new UsageError('import takes one folder');
      return (await import('./admin.ts')).runImport(dir);
    }
    case 'token': {
      const [first, ...others] = positionals(rest, 2);
      const revoke = first === 'revoke';
      const [customerId, ...extra] = revoke ? others : [first, ...others];
      if (!customerId || extra.length > 0) throw new UsageError('token takes one customer id');
      return (await import('./admin.ts')).runToken(customerId, revoke ? 'revoke' : 'issue');
    }
    case 'user':
      return (await import('./admin.ts')).runUser(rest);
    case 'serve':
      positionals(rest, 0);
      return (await import('./serve.ts')).runServe();
    case 'worker':
      positionals(rest, 0);
      return (await import('./serve.ts')).runServe(undefined, { roles: 'worker' });
    case 'erp':
      return (await import('./erp.ts')).runErp(rest, (line) => process.stdout.write(`${line}\n`));
    case 'demo':
      positionals(rest, 0);
      return (await import('./demo.ts')).runDemo();
    case 'extract': {
      const { values, positionals: files } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          data: { type: 'string' },
          json: { type: 'boolean', default: false },
          teach: { type: 'string' },
        },
      });
      if (files.length === 0) throw new UsageError('extract needs at least one file');
      if (values.teach && !values.data) throw new UsageError('extract --teach needs --data DIR');
      // A file that is not there is a mistake in the command, not a document that cannot be read.
      const missing = files.filter((f) => !existsSync(f));
      if (missing.length > 0) throw new UsageError(`no such file: ${missing.join(', ')}`);
      return (await import('./extract.ts')).runExtract({
        files,
        dataDir: values.data ?? null,
        json: values.json ?? false,
        teach: values.teach ?? null,
      });
    }
    case 'teach': {
      const { values, positionals: args } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { history: { type: 'string' } },
      });
      const { runTeach } = await import('./teach.ts');
      if (values.history !== undefined) {
        if (args.length > 0) throw new UsageError('teach --history takes one folder and nothing else');
        return runTeach({ history: values.history });
      }
      if (args.length !== 2) throw new UsageError('teach takes a file and its ORDER.json');
      return runTeach({ file: args[0]!, order: args[1]! });
    }
    case '-v':
    case '--version':
    case 'version':
      process.stdout.write(`${await version()}\n`);
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function positionals(args: string[], max: number): string[] {
  const { positionals: p } = parseArgs({ args, allowPositionals: true, options: {} });
  if (p.length > max) throw new UsageError(`unexpected argument "${p[max]}"`);
  return p;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`order-capture: ${(err as Error).message}\n\n${USAGE}\n`);
    process.exitCode = 2;
  } else if (err instanceof ConfigError) {
    process.stderr.write(`order-capture: ${err.message}\n`);
    process.exitCode = 2;
  } else if (
    err instanceof OrderCaptureError &&
    (err.code === 'input_invalid' || err.code === 'config_invalid')
  ) {
    // The user's input is wrong (no such folder, unknown customer): say so, without a stack trace.
    process.stderr.write(`order-capture: ${err.message}\n`);
    process.exitCode = 2;
  } else if (err instanceof OrderCaptureError && err.code === 'database_busy') {
    // Another process holds the embedded database: what to do instead, not a stack trace.
    process.stderr.write(`order-capture: ${err.message}\n`);
    process.exitCode = 3;
  } else {
    process.stderr.write(`order-capture: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
