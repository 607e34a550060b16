import { parseArgs } from 'node:util';
import { ConfigError } from '../config.ts';
import { OrderCaptureError } from '../errors.ts';
import { runDemo } from './demo.ts';
import { runExtract } from './extract.ts';
import { runImport, runToken, runUser } from './admin.ts';
import { runServe } from './serve.ts';
import { runTeach } from './teach.ts';

const USAGE = `usage: order-capture <command> [options]

commands:
  import DIR                          load master-data CSVs (customers, products, cross_refs,
                                      prices, order_history) from DIR into the database
  token CUSTOMER_ID                   issue an access token for a customer's web form / API
  user add LOGIN "NAME" [--admin]     create a review-workspace operator (or admin); prints a
                                      generated password once
  user disable LOGIN                  disable an operator and end their sessions
  serve                               run connectors, workers and the HTTP server
                                      (ORDERCAP_ROLES=api,worker,connectors picks some)
  worker                              run pipeline and ERP-delivery workers only (scale-out)
  extract [--data DIR] [--json] FILE...
                                      run the whole pipeline on files, one line per order;
                                      --data DIR: on a fresh embedded database loaded from DIR,
                                      posting nothing anywhere
  extract --data DIR --teach PAIRS.ndjson [--json] FILE...
                                      first teach each {"source": PATH, "order": {...}} line of
                                      PAIRS.ndjson (as if approved in review), then extract
  teach FILE ORDER.json               store FILE as received and ORDER.json as what a person
                                      confirmed for it; its layout is learned
  teach --history DIR                 the same for every NAME in DIR with NAME.order.json beside
  demo                                serve with demo master data and documents (npm start)

settings come from the environment (DATABASE_URL, ORDERCAP_DATA_DIR, HOST, PORT, ...) and the
file named by ORDERCAP_CONFIG; see README.md.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'import': {
      const [dir, ...extra] = positionals(rest, 1);
      if (!dir || extra.length > 0) throw new UsageError('import takes one folder');
      return runImport(dir);
    }
    case 'token': {
      const [customerId, ...extra] = positionals(rest, 1);
      if (!customerId || extra.length > 0) throw new UsageError('token takes one customer id');
      return runToken(customerId);
    }
    case 'user':
      return runUser(rest);
    case 'serve':
      positionals(rest, 0);
      return runServe();
    case 'worker':
      positionals(rest, 0);
      return runServe(undefined, { roles: 'worker' });
    case 'demo':
      positionals(rest, 0);
      return runDemo();
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
      return runExtract({
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
      if (values.history !== undefined) {
        if (args.length > 0) throw new UsageError('teach --history takes one folder and nothing else');
        return runTeach({ history: values.history });
      }
      if (args.length !== 2) throw new UsageError('teach takes a file and its ORDER.json');
      return runTeach({ file: args[0]!, order: args[1]! });
    }
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
  if (p.length > max && max === 0) throw new UsageError(`unexpected argument "${p[0]}"`);
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
  } else {
    process.stderr.write(`order-capture: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
