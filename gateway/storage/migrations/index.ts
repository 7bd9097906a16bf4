import type { Migration } from '../../../base/node/sqlite-migrate.js';
import * as m0001 from './0001-init.js';
import * as m0002 from './0002-audit-chain.js';
import * as m0003 from './0003-accounts.js';
import * as m0004 from './0004-collaboration.js';
import * as m0005 from './0005-open-alarms.js';
import * as m0006 from './0006-open-alarm-identifiers.js';
import * as m0007 from './0007-command-outcome-age.js';

/** Numbered migrations, applied in order; `user_version` records the last one applied. */
export const GATEWAY_MIGRATIONS: readonly Migration[] = [
  { version: 1, up: m0001.up },
  { version: 2, up: m0002.up },
  { version: 3, up: m0003.up },
  { version: 4, up: m0004.up },
  { version: 5, up: m0005.up },
  { version: 6, up: m0006.up },
  { version: 7, up: m0007.up },
];
