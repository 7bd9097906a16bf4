import type { Database } from 'better-sqlite3';

/**
 * With each open alarm, the patient identifiers its words contain (a JSON array of strings), so
 * that observers never read them when the alarm is raised again after a restart, once the exam
 * they belong to is no longer open (gateway/server/observer-phi.ts). Rows written before have
 * none.
 */
export function up(db: Database): void {
  db.exec(`ALTER TABLE open_alarm ADD COLUMN identifiers TEXT NOT NULL DEFAULT '[]';`);
}
