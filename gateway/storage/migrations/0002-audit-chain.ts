import type { Database } from 'better-sqlite3';
import { ErrorCode } from '../../../protocol/index.js';
import { GENESIS_HASH, rowHash, type ChainedRow } from '../../audit/chain.js';

/**
 * Tamper-evident audit (IHE ATNA, ITI-20 "Record Audit Event"): every row names the signed-in
 * user and the peer address and is chained to the row before it by SHA-256; triggers make the
 * table append-only. Rows written before this migration are chained here, once, in id order.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE audit ADD COLUMN user_id TEXT;
    ALTER TABLE audit ADD COLUMN peer TEXT;
    ALTER TABLE audit ADD COLUMN prev_hash TEXT;
    ALTER TABLE audit ADD COLUMN hash TEXT;
  `);
  const rows = db
    .prepare('SELECT id, at, session_id, actor, role, action, decision, code, detail, user_id, peer FROM audit ORDER BY id')
    .raw()
    .all() as ChainedRow[];
  const seal = db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?');
  let prev = GENESIS_HASH;
  for (const row of rows) {
    const hash = rowHash(prev, row);
    seal.run(prev, hash, row[0]);
    prev = hash;
  }
  db.exec(`
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, '${ErrorCode.AUDIT_APPEND_ONLY}: audit rows cannot be changed'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
      BEGIN SELECT RAISE(ABORT, '${ErrorCode.AUDIT_APPEND_ONLY}: audit rows cannot be deleted'); END;
  `);
}
