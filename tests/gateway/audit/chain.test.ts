import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalRow, rowHash, type ChainedRow } from '../../../gateway/audit/chain.js';

const first: ChainedRow = [1, '2026-01-01T00:00:00.000Z', 's1', 'Remote Tech', 'operator', 'hello', 'accepted', null, '{"resumeFrom":null}', null, null];

describe('audit chain definition (docs/audit-hash-chain.md)', () => {
  it('hashes SHA-256(prev_hash + "\\n" + the JSON array of the columns), as any other tool can recompute it', () => {
    expect(canonicalRow(first)).toBe(
      '[1,"2026-01-01T00:00:00.000Z","s1","Remote Tech","operator","hello","accepted",null,"{\\"resumeFrom\\":null}",null,null]',
    );
    // Computed independently: python3 hashlib.sha256(("0"*64 + "\n" + canonical).encode()).hexdigest()
    expect(rowHash(GENESIS_HASH, first)).toBe('bf0c602764ac0794273bdf06c2412f3e2c9bb7ce7c63ccd27f09b2c79ae38d78');
  });

  it('changes with the id, so rows cannot be reordered', () => {
    const moved: ChainedRow = [2, ...first.slice(1)] as unknown as ChainedRow;
    expect(rowHash(GENESIS_HASH, moved)).not.toBe(rowHash(GENESIS_HASH, first));
  });
});
