import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as m0001 from '../../../../gateway/storage/migrations/0001-init.js';
import { migrate as migrateWith } from '../../../../base/node/sqlite-migrate.js';
import { GATEWAY_MIGRATIONS } from '../../../../gateway/storage/migrations/index.js';
import { verifyAuditChain } from '../../../../gateway/audit/verify.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const migrate = (db: Database.Database): void => migrateWith(db, GATEWAY_MIGRATIONS);

function version1Database(file: string): Database.Database {
  const db = new Database(file);
  m0001.up(db);
  db.pragma('user_version = 1');
  const insert = db.prepare('INSERT INTO audit (at, session_id, actor, role, action, decision, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  insert.run('2026-01-01T00:00:00.000Z', 's1', 'Remote Tech', 'operator', 'hello', 'accepted', null, '{"resumeFrom":null}');
  insert.run('2026-01-01T00:00:01.000Z', 's1', 'Remote Tech', 'operator', 'command exam.open', 'done', null, null);
  return db;
}

describe('migration 0002: audit chain', () => {
  it('chains the rows written before it, so an upgraded trail verifies', () => {
    const db = version1Database(join(tempDir(), 'g.sqlite'));
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(2);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, rows: 2 });
  });

  it('adds user and peer columns', () => {
    const db = version1Database(join(tempDir(), 'g.sqlite'));
    migrate(db);
    const columns = (db.pragma('table_info(audit)') as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual(expect.arrayContaining(['user_id', 'peer', 'prev_hash', 'hash']));
  });

  it('refuses UPDATE of an audit row', () => {
    const db = version1Database(join(tempDir(), 'g.sqlite'));
    migrate(db);
    expect(() => db.prepare("UPDATE audit SET actor = 'Someone Else' WHERE id = 1").run()).toThrow(/LARMOR_E_AUDIT_APPEND_ONLY/);
  });

  it('refuses DELETE of an audit row', () => {
    const db = version1Database(join(tempDir(), 'g.sqlite'));
    migrate(db);
    expect(() => db.prepare('DELETE FROM audit WHERE id = 2').run()).toThrow(/LARMOR_E_AUDIT_APPEND_ONLY/);
    expect(db.prepare('SELECT count(*) FROM audit').pluck().get()).toBe(2);
  });
});
