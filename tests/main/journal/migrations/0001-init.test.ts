import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { up } from '../../../../main/journal/migrations/0001-init.js';
import { JOURNAL_MIGRATIONS } from '../../../../main/journal/migrations/index.js';
import { migrate } from '../../../../base/node/sqlite-migrate.js';

describe('journal migration 0001-init', () => {
  it('creates the outbox with a unique command id and the activity table', () => {
    const db = new Database(':memory:');
    up(db);
    db.prepare("INSERT INTO outbox (id, name, command, target, queued_at) VALUES ('a', 'scan.stop', '{}', 'ws://x/', 't')").run();
    expect(() => db.prepare("INSERT INTO outbox (id, name, command, target, queued_at) VALUES ('a', 'scan.stop', '{}', 'ws://x/', 't')").run()).toThrow(
      /UNIQUE/,
    );
    expect(db.prepare('SELECT sends, outcome FROM outbox').get()).toEqual({ sends: 1, outcome: null });
    db.prepare("INSERT INTO activity (at, type, record) VALUES ('t', 'health', '{}')").run();
    expect(db.prepare('SELECT count(*) AS n FROM activity').get()).toEqual({ n: 1 });
  });

  it('is applied once and recorded in user_version', () => {
    const db = new Database(':memory:');
    migrate(db, JOURNAL_MIGRATIONS);
    migrate(db, JOURNAL_MIGRATIONS);
    expect(db.pragma('user_version', { simple: true })).toBe(JOURNAL_MIGRATIONS.at(-1)!.version);
  });

  it('numbers migrations from 1 without gaps', () => {
    expect(JOURNAL_MIGRATIONS.map((m) => m.version)).toEqual(JOURNAL_MIGRATIONS.map((_, i) => i + 1));
  });
});
