import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { OrderCaptureError } from '../errors.ts';

/**
 * PGlite is one process's database: a second process that opens the same folder works on its
 * own copy in memory and what it writes is lost (a token printed but never stored). The lock
 * file beside the folder says who holds it; a lock whose process is gone is stale and taken over.
 */
export interface DirectoryLock {
  readonly file: string;
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

/** Lock files this process holds, released on exit even when nobody called release(). */
const held = new Set<string>();
let exitHookInstalled = false;

/**
 * Takes the lock `file` for this process, or throws OrderCaptureError('database_busy') naming
 * the process that holds it and what to do instead.
 */
export function lockDirectory(file: string, what: string): DirectoryLock {
  if (held.has(file)) throw busy(file, what, describeSelf());
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(describeSelf())}\n`, { flag: 'wx' });
      held.add(file);
      installExitHook();
      return {
        file,
        release: () => {
          if (!held.delete(file)) return;
          try {
            unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(file);
    if (holder && isAlive(holder)) throw busy(file, what, holder);
    // Stale (its process died, or the file is unreadable half-written garbage): take it over.
    try {
      unlinkSync(file);
    } catch {
      // Another process removed it first; try again.
    }
  }
  throw busy(file, what, readHolder(file));
}

function describeSelf(): Holder {
  return {
    pid: process.pid,
    host: hostname(),
    command: process.argv.slice(1).join(' '),
    since: new Date().toISOString(),
  };
}

function readHolder(file: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    if (typeof h.pid !== 'number') return null;
    return { pid: h.pid, host: h.host ?? '', command: h.command ?? '', since: h.since ?? '' };
  } catch {
    return null;
  }
}

function isAlive(holder: Holder): boolean {
  // A process on another machine (a shared folder) cannot be checked: assume it runs.
  if (holder.host && holder.host !== hostname()) return true;
  // Our own pid, not among the held locks: left by an earlier process that had the same pid.
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // The pid may have been reused by an unrelated program after a crash.
  try {
    const cmdline = readFileSync(`/proc/${holder.pid}/cmdline`, 'utf8');
    return /node|order-capture|vitest|tsx/.test(cmdline);
  } catch {
    return true;
  }
}

function busy(file: string, what: string, holder: Holder | null): OrderCaptureError {
  const who = holder
    ? `process ${holder.pid}${holder.command ? ` (${holder.command})` : ''}${holder.since ? `, since ${holder.since}` : ''}`
    : 'another process';
  return new OrderCaptureError(
    'database_busy',
    [
      `the embedded database ${what} is in use by ${who}.`,
      'PGlite can be opened by one process at a time; a second one would lose what it writes.',
      'Either stop that process (Ctrl-C in its terminal) and run this command again, or run the',
      'server and every command on PostgreSQL (set DATABASE_URL=postgres://...), which any number',
      `of processes can share. If no such process runs, delete the lock file ${file}.`,
    ].join('\n'),
  );
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const file of held) {
      try {
        unlinkSync(file);
      } catch {
        // Best effort on the way out.
      }
    }
  });
}
