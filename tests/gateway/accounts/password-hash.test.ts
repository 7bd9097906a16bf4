import { describe, expect, it } from 'vitest';
import { CURRENT_SCRYPT, hashPassword, verifyPassword } from '../../../gateway/accounts/password-hash.js';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe('scrypt password hashes', () => {
  it('stores the cost parameters and a per-user salt with each hash', async () => {
    const a = await hashPassword('same password', CHEAP);
    const b = await hashPassword('same password', CHEAP);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b); // different salts
  });

  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse', CHEAP);
    expect(await verifyPassword('correct horse', stored, CHEAP)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword('correct hors', stored, CHEAP)).toEqual({ ok: false, needsRehash: false });
  });

  it('asks for a fresh hash when the cost parameters changed since it was made', async () => {
    const stored = await hashPassword('correct horse', CHEAP);
    expect(await verifyPassword('correct horse', stored, CURRENT_SCRYPT)).toEqual({ ok: true, needsRehash: true });
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('x', 'md5$abc', CHEAP)).toEqual({ ok: false, needsRehash: false });
  });
});
