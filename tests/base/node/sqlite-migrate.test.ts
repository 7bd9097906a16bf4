import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, type Migration } from '../../../base/node/sqlite-migrate.js';
import { tempDir } from '../../helpers/temp-dir.js';

const MIGRATIONS: Migration[] = [
  { version: 1, up: (db) => db.exec('CREATE TABLE a (x INTEGER)') },
  { version: 2, up: (db) => db.exec('ALTER TABLE a ADD COLUMN y TEXT') },
];

describe('migrate', () => {
  it('applies each migration once and records the last in user_version', () => {
    const db = new Database(join(tempDir(), 'm.sqlite'));
    migrate(db, MIGRATIONS);
    migrate(db, MIGRATIONS);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').all('a')).toEqual([{ name: 'x' }, { name: 'y' }]);
    db.close();
  });

  it('leaves the file at the last good step when a migration fails', () => {
    const db = new Database(join(tempDir(), 'm.sqlite'));
    const broken: Migration = { version: 3, up: (d) => d.exec('CREATE TABLE b (z); THIS IS NOT SQL') };
    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").get()).toEqual({ n: 0 });
    db.close();
  });
});
