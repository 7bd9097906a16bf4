import type { Migration } from '../../../base/node/sqlite-migrate.js';
import * as m0001 from './0001-init.js';
import * as m0002 from './0002-site.js';

/** Numbered migrations, applied in order; `user_version` records the last one applied. */
export const JOURNAL_MIGRATIONS: readonly Migration[] = [
  { version: 1, up: m0001.up },
  { version: 2, up: m0002.up },
];
