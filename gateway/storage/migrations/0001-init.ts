import type { Database } from 'better-sqlite3';

/** Audit trail (docs/architecture.md "Safety rules", rule 6) and command outcomes for idempotent replay. */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      session_id TEXT,
      actor TEXT,
      role TEXT,
      action TEXT NOT NULL,
      decision TEXT NOT NULL,
      code TEXT,
      detail TEXT
    );
    CREATE TABLE command_outcome (
      id TEXT PRIMARY KEY,
      at TEXT NOT NULL,
      actor TEXT,
      name TEXT NOT NULL,
      outcome TEXT NOT NULL,
      code TEXT,
      reason TEXT
    ) WITHOUT ROWID;
  `);
}
