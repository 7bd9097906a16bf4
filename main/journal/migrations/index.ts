import type { Database } from 'better-sqlite3';
import * as m0001 from './0001-init.js';

/** Numbered migrations, applied in order; `user_version` records the last one applied. */
export const JOURNAL_MIGRATIONS: readonly { version: number; up: (db: Database) => void }[] = [{ version: 1, up: m0001.up }];
