import type { Database } from 'better-sqlite3';
import * as m0001 from './0001-init.js';
import * as m0003 from './0003-accounts.js';

/** Numbered migrations, applied in order; `user_version` records the last one applied. */
export const GATEWAY_MIGRATIONS: readonly { version: number; up: (db: Database) => void }[] = [
  { version: 1, up: m0001.up },
  { version: 3, up: m0003.up },
];
