import type { Database } from 'better-sqlite3';

/**
 * The workstation journal: the command outbox (exactly-once effect across reconnects and
 * restarts) and the activity record (every command, ack, event and health transition).
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE outbox (
      pos INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      command TEXT NOT NULL,
      -- the site's primary gateway URL: a command is only ever resent to the site it was meant for
      target TEXT NOT NULL,
      queued_at TEXT NOT NULL,
      sends INTEGER NOT NULL DEFAULT 1,
      outcome TEXT,
      code TEXT,
      reason TEXT,
      settled_at TEXT,
      -- 'gateway' = the gateway's ack; 'local' = never reached the gateway (not sent)
      settled_by TEXT
    );
    CREATE INDEX outbox_unsettled ON outbox (pos) WHERE outcome IS NULL;
    CREATE TABLE activity (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      type TEXT NOT NULL,
      record TEXT NOT NULL
    );
  `);
}
