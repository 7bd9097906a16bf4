import Database from 'better-sqlite3';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rowHash, type ChainedRow } from '../../../gateway/audit/chain.js';
import { verifyAuditChain } from '../../../gateway/audit/verify.js';
import { GatewayStore } from '../../../gateway/storage/gateway-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A closed gateway database with `rows` audit rows; the actor of row n is "Tech n". */
function trail(rows: number): string {
  const file = join(tempDir(), 'gateway.sqlite');
  const store = new GatewayStore(file);
  for (let n = 1; n <= rows; n++)
    store.audit({ sessionId: `s${n}`, actor: `Tech ${String(n).padStart(4, '0')}`, role: 'operator', action: 'hello', decision: 'accepted', code: null });
  store.close();
  return file;
}

function withoutTriggers(file: string, edit: (db: Database.Database) => void): void {
  const db = new Database(file);
  db.exec('DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;');
  edit(db);
  db.close();
}

const verify = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return verifyAuditChain(db);
  } finally {
    db.close();
  }
};

describe('verifyAuditChain', () => {
  it('passes an untouched trail', () => {
    expect(verify(trail(20))).toMatchObject({ ok: true, rows: 20 });
  });

  it('names the row changed by an UPDATE done on a copy with the triggers dropped', () => {
    const copy = join(tempDir(), 'copy.sqlite');
    copyFileSync(trail(20), copy);
    withoutTriggers(copy, (db) => db.prepare("UPDATE audit SET actor = 'Someone Else' WHERE id = 7").run());
    expect(verify(copy)).toMatchObject({ ok: false, brokenAt: 7, rows: 6 });
  });

  it('names the row after one that was deleted', () => {
    const file = trail(20);
    withoutTriggers(file, (db) => db.prepare('DELETE FROM audit WHERE id = 12').run());
    expect(verify(file)).toMatchObject({ ok: false, brokenAt: 13 });
  });

  it('names the row whose bytes were flipped in the file', () => {
    const file = trail(50);
    const bytes = readFileSync(file);
    const at = bytes.indexOf('Tech 0033');
    expect(at).toBeGreaterThan(0);
    bytes[at + 5] ^= 0x01; // "Tech 0033" -> "Tech 1033"
    writeFileSync(file, bytes);
    expect(verify(file)).toMatchObject({ ok: false, brokenAt: 33 });
  });

  it('names the row after a forged one whose own hash was recomputed', () => {
    const file = trail(10);
    withoutTriggers(file, (db) => {
      // A careful forger recomputes row 4's hash for its new content; row 5 still links to the old one.
      const row = db
        .prepare('SELECT id, at, session_id, actor, role, action, decision, code, detail, user_id, peer, prev_hash FROM audit WHERE id = 4')
        .raw()
        .get() as unknown[];
      const forged = [...row.slice(0, 3), 'Forger', ...row.slice(4, 11)] as unknown as ChainedRow;
      db.prepare("UPDATE audit SET actor = 'Forger', hash = ? WHERE id = 4").run(rowHash(row[11] as string, forged));
    });
    expect(verify(file)).toMatchObject({ ok: false, brokenAt: 5 });
  });
});
