import { createHash } from 'node:crypto';

/**
 * The hash chain of the audit table. Each row stores the hash of the row before it
 * (`prev_hash`) and `hash = SHA-256(prev_hash || "\n" || canonical content)`, so changing,
 * removing or reordering any row breaks every hash after it (see docs/audit-hash-chain.md).
 * Writer (GatewayStore) and verifier (audit verify) share this one definition.
 */

/** prev_hash of the first row: 32 zero bytes, hex. */
export const GENESIS_HASH = '0'.repeat(64);

export type ChainedRow = readonly [
  id: number,
  at: string,
  sessionId: string | null,
  actor: string | null,
  role: string | null,
  action: string,
  decision: string,
  code: string | null,
  detail: string | null,
  userId: string | null,
  peer: string | null,
];

/**
 * Canonical content of a row: the JSON array of its chained columns as stored (detail is the
 * stored JSON text, not re-serialised), so the same bytes are hashed on write and on verify.
 */
export function canonicalRow(row: ChainedRow): string {
  return JSON.stringify(row);
}

export function rowHash(prevHash: string, row: ChainedRow): string {
  // One update of the joined string: the same bytes as three updates, measurably faster per row.
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalRow(row)}`)
    .digest('hex');
}
