import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate as migrateWith } from '../../../../base/node/sqlite-migrate.js';
import { GATEWAY_MIGRATIONS } from '../../../../gateway/storage/migrations/index.js';

const migrate = (db: Parameters<typeof migrateWith>[0]): void => migrateWith(db, GATEWAY_MIGRATIONS);

describe('gateway migration 0003: accounts', () => {
  it('creates the account table on a fresh database and records the version', () => {
    const db = new Database(':memory:');
    migrate(db);
    const columns = (db.prepare('PRAGMA table_info(account)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual(['user_id', 'display_name', 'roles', 'level', 'enabled', 'password_hash', 'totp_secret', 'created_at', 'updated_at']);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(3);
    db.close();
  });

  it('refuses two accounts with one user name', () => {
    const db = new Database(':memory:');
    migrate(db);
    const add = db.prepare(
      "INSERT INTO account (user_id, display_name, roles, password_hash, created_at, updated_at) VALUES ('jane', 'Jane', 'operator', 'x', 'now', 'now')",
    );
    add.run();
    expect(() => add.run()).toThrow(/UNIQUE|PRIMARY KEY/);
    db.close();
  });
});
