import type { Database } from 'better-sqlite3';

/**
 * Command outcomes are kept for a bounded time (gateway/storage/gateway-store.ts,
 * OUTCOME_RETENTION): the oldest are found, and deleted, through this index on when each was
 * decided, not by reading the whole table.
 */
export function up(db: Database): void {
  db.exec(`CREATE INDEX command_outcome_at ON command_outcome (at);`);
}
