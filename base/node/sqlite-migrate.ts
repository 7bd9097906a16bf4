import type { Database } from 'better-sqlite3';

/** One numbered schema step (Signal-Desktop's `ts/sql/migrations` idea): `0001-init.ts` is version 1. */
export interface Migration {
  version: number;
  up: (db: Database) => void;
}

/**
 * Applies, in order, every migration newer than the database's `user_version`, each in its own
 * transaction together with the `user_version` bump, so a crash leaves the file at a known step.
 */
export function migrate(db: Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
