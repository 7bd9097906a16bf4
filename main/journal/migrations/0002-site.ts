import type { Database } from 'better-sqlite3';

/**
 * The desk (docs/architecture.md "The desk"): one workstation keeps a link to several sites, so
 * every activity record and outbox row says which site it belongs to. NULL for records written
 * before the desk (one site per workstation then).
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE activity ADD COLUMN site TEXT;
    ALTER TABLE outbox ADD COLUMN site TEXT;
  `);
}
