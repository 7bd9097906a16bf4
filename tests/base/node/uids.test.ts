import { describe, expect, it } from 'vitest';
import { isValidUid, newUid, uidFromName } from '../../../base/node/uids.js';

describe('UIDs under 2.25 (PS3.5 B.2)', () => {
  it('makes valid, distinct UUID-derived UIDs of at most 64 characters', () => {
    const uids = Array.from({ length: 200 }, () => newUid());
    for (const uid of uids) {
      expect(uid).toMatch(/^2\.25\.[1-9][0-9]*$/);
      expect(uid.length).toBeLessThanOrEqual(64);
      expect(isValidUid(uid)).toBe(true);
    }
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('derives the same UID from the same name and different UIDs from different names', () => {
    expect(uidFromName('series/1')).toBe(uidFromName('series/1'));
    expect(uidFromName('series/1')).not.toBe(uidFromName('series/2'));
    expect(isValidUid(uidFromName('anything at all'))).toBe(true);
  });

  it('rejects text that is not a UID', () => {
    for (const bad of ['', '1..2', '1.02', '.1', '1.', '1.2.a', '../../etc/passwd', `1.${'9'.repeat(64)}`]) {
      expect(isValidUid(bad), bad).toBe(false);
    }
  });
});
