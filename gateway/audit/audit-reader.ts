import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { ErrorCode, LarmorError } from '../../protocol/index.js';
import type { AuditRow } from './audit-row.js';

/** Opens the gateway's database read-only: verify and export never write, even by accident. */
export function openAuditDatabase(file: string): Database.Database {
  if (!existsSync(file)) throw new LarmorError(ErrorCode.AUDIT_NOT_FOUND, `no gateway database at ${file}`);
  return new Database(file, { readonly: true, fileMustExist: true });
}

const COLUMNS = 'id, at, session_id, actor, role, action, decision, code, detail, user_id, peer, prev_hash, hash';

/** Raw rows in id order (the column order of COLUMNS), for the hot verify loop. */
export function iterateRawRows(db: Database.Database, since?: string, afterId = 0, limit = -1): IterableIterator<unknown[]> {
  const where = since === undefined ? 'id > ?' : 'id > ? AND at >= ?';
  const statement = db.prepare(`SELECT ${COLUMNS} FROM audit WHERE ${where} ORDER BY id LIMIT ?`).raw();
  return (since === undefined ? statement.iterate(afterId, limit) : statement.iterate(afterId, since, limit)) as IterableIterator<unknown[]>;
}

export function* iterateRows(db: Database.Database, since?: string, afterId = 0, limit = -1): Generator<AuditRow> {
  for (const r of iterateRawRows(db, since, afterId, limit)) yield toAuditRow(r);
}

function toAuditRow(r: unknown[]): AuditRow {
  return {
    id: r[0] as number,
    at: r[1] as string,
    sessionId: r[2] as string | null,
    actor: r[3] as string | null,
    role: r[4] as string | null,
    action: r[5] as string,
    decision: r[6] as string,
    code: r[7] as string | null,
    detail: r[8] as string | null,
    userId: r[9] as string | null,
    peer: r[10] as string | null,
    prevHash: r[11] as string,
    hash: r[12] as string,
  };
}
