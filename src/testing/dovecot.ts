/**
 * A real Dovecot IMAP server for tests, on 127.0.0.1 and a free port, configured in a temporary
 * folder (plain-text login, maildir under the folder, nothing of the system's configuration
 * used). `.ci/run` installs dovecot-imapd; files that need it carry `.dovecot.` in their name (see
 * src/testing/services.ts for what happens where it is missing).
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { DOVECOT_PATH } from './services.ts';

const run = promisify(execFile);
/** Where Dovecot is installed (null: missing); src/testing/services.ts finds it. */
export const DOVECOT = DOVECOT_PATH;

export interface TestImapServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Stops the server; `start()` brings it back on the same port with the same mail. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  close(): Promise<void>;
}

type ImapAccount = Pick<TestImapServer, 'host' | 'port' | 'user' | 'password'>;

/** A client of the test mailbox, as the test's own mail program (not yet connected). */
export function imapClient(s: ImapAccount): ImapFlow {
  return new ImapFlow({
    host: s.host,
    port: s.port,
    secure: false,
    auth: { user: s.user, pass: s.password },
    logger: false,
  });
}

/** Runs `fn` with a connected client of the test mailbox, logged out afterwards. */
export async function withImapClient<T>(s: ImapAccount, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = imapClient(s);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => {});
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`dovecot did not listen on ${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startDovecot(): Promise<TestImapServer> {
  if (!DOVECOT) throw new Error('dovecot is not installed (apt-get install dovecot-imapd)');
  const dir = await mkdtemp(join(tmpdir(), 'oc-dovecot-'));
  // Mail is written as the unprivileged user the static userdb names.
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'home'), { mode: 0o777 });
  await chmod(join(dir, 'home'), 0o777);
  const port = await freePort();
  const user = 'orders';
  const password = 'secret';
  await writeFile(join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`);
  const conf = join(dir, 'dovecot.conf');
  await writeFile(
    conf,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
instance_name = oc-test-${port}
protocols = imap
shutdown_clients = yes
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );
  const start = async () => {
    // The daemon keeps inherited pipes open: no stdio, or the parent would wait for it forever.
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(DOVECOT, ['-c', conf], { stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) {
      const log = await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
      throw new Error(`dovecot did not start (exit ${code})\n${log}`);
    }
    await waitForPort(port, 10_000);
  };
  const stop = async () => {
    await run(DOVECOT, ['-c', conf, 'stop'], { timeout: 10_000 }).catch(() => {});
    // Login and mail processes outlive the master: kill them too, as a crashed server would lose them.
    await run('pkill', ['-KILL', '-f', `oc-test-${port}/`]).catch(() => {});
    // The master exits after its children; wait until the port is free again.
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const busy = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
      if (!busy) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await start();
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    start,
    stop,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
