import type Database from 'better-sqlite3';
import { GENESIS_HASH, rowHash, type ChainedRow } from './chain.js';
import { iterateRawRows } from './audit-reader.js';

export type VerifyResult = { ok: true; rows: number; lastHash: string } | { ok: false; rows: number; brokenAt: number | null; reason: string };

/**
 * Walks the audit chain in id order and names the first row whose stored links disagree with
 * its content: a changed row (its own hash), a removed or inserted row (the next row's
 * prev_hash), or a damaged file (SQLite refuses to read on; the row after the last good one).
 */
export function verifyAuditChain(db: Database.Database): VerifyResult {
  let prev = GENESIS_HASH;
  let lastId = 0;
  let rows = 0;
  try {
    for (const r of iterateRawRows(db)) {
      const id = r[0] as number;
      if (r[11] !== prev)
        return {
          ok: false,
          rows,
          brokenAt: id,
          reason: `row ${id} does not follow row ${lastId}: its prev_hash is not that row's hash (a row was removed, inserted or changed)`,
        };
      const hash = rowHash(prev, r.slice(0, 11) as unknown as ChainedRow);
      if (r[12] !== hash) return { ok: false, rows, brokenAt: id, reason: `row ${id} was changed after it was written: its content does not match its hash` };
      prev = hash;
      lastId = id;
      rows++;
    }
  } catch (err) {
    return { ok: false, rows, brokenAt: lastId + 1, reason: `the database file is damaged after row ${lastId}: ${(err as Error).message}` };
  }
  return { ok: true, rows, lastHash: prev };
}
