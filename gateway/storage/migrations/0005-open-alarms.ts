import type { Database } from 'better-sqlite3';

/**
 * Emergency stops and calls for help no one has seen yet, so that a gateway killed and started
 * again raises them once more (gateway/storage/open-alarm-store.ts).
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE open_alarm (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      text TEXT NOT NULL,
      alarm TEXT NOT NULL
    );
  `);
}
