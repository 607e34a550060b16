import { readFileSync } from 'node:fs';
import type { Db, Queryable } from '../src/db/db.ts';

/**
 * Figures a bench reports beside wall time, which a shared machine distorts: SQL statements and
 * transactions sent, CPU time of this process and of the PostgreSQL backends serving it.
 */
export interface Counters {
  statements: number;
  transactions: number;
}

/** `db`, counting what is sent through it into `counters`. */
export function counting(db: Db, counters: Counters): Db {
  const wrap = (q: Queryable): Queryable => ({
    query: (sql, params) => {
      counters.statements++;
      return q.query(sql, params);
    },
    exec: (sql) => {
      counters.statements++;
      return q.exec(sql);
    },
  });
  const outer = wrap(db);
  return {
    engine: db.engine,
    query: outer.query,
    exec: outer.exec,
    transaction: (fn) => {
      counters.transactions++;
      return db.transaction((tx) => fn(wrap(tx)));
    },
    close: () => db.close(),
  };
}

/** CPU milliseconds (user + system) this process has used. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * CPU milliseconds the server processes serving this database have used so far, read from
 * /proc; null when the server is not on this machine (or /proc cannot be read).
 */
export async function backendCpuMs(db: Db): Promise<number | null> {
  if (db.engine !== 'postgres') return null;
  const rows = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
  );
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      // Fields after the command name: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  }
  // Linux reports in clock ticks of 1/100 s (USER_HZ).
  return ticks * 10;
}
