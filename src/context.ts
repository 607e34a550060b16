import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import type { Logger } from './log.ts';

/** What the parts of a running order-capture share: handed in, never read from globals. */
export interface AppContext {
  db: Db;
  config: Config;
  log: Logger;
}
