import type { Database } from 'better-sqlite3';
import * as m0001 from './0001-init.js';
import * as m0002 from './0002-audit-chain.js';

/** Numbered migrations, applied in order; `user_version` records the last one applied. */
export const GATEWAY_MIGRATIONS: readonly { version: number; up: (db: Database) => void }[] = [
  { version: 1, up: m0001.up },
  { version: 2, up: m0002.up },
];
