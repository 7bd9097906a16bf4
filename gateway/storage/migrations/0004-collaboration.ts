import type { Database } from 'better-sqlite3';

/**
 * Per-exam chat (kept, so a client that joins or resumes reads what was said) and the site's
 * written contingency plans, versioned: every edit is a new row, the newest per kind is in force.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE chat (
      id TEXT PRIMARY KEY,
      at TEXT NOT NULL,
      study_uid TEXT,
      from_name TEXT NOT NULL,
      from_role TEXT NOT NULL,
      text TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX chat_by_study ON chat (study_uid, at);
    CREATE TABLE contingency_plan (
      kind TEXT NOT NULL,
      version INTEGER NOT NULL,
      at TEXT NOT NULL,
      by TEXT NOT NULL,
      text TEXT NOT NULL,
      PRIMARY KEY (kind, version)
    ) WITHOUT ROWID;
  `);
}
