import { describe, expect, it } from 'vitest';
import { MAX_PENDING, MAX_PENDING_PER_ADDRESS, PendingSignIns, SIGN_IN_TTL_MS } from '../../../../gateway/auth/oidc/pending-sign-ins.js';

const entry = (state: string) => ({ state, codeVerifier: `v-${state}`, nonce: `n-${state}`, role: 'operator' as const, returnTo: 'http://127.0.0.1/onsite' });

describe('sign-ins waiting for the provider to send the person back', () => {
  it('gives each sign-in back once, with a fresh browser binding', () => {
    const pending = new PendingSignIns();
    const added = pending.add(entry('s1'), '10.0.0.1');
    expect(added.browserBinding).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pending.take('s1')).toEqual(added);
    expect(pending.take('s1')).toBeNull();
  });

  it('forgets a sign-in abandoned longer than its time to live', () => {
    let now = 1_000_000;
    const pending = new PendingSignIns(() => now);
    pending.add(entry('s1'), '10.0.0.1');
    now += SIGN_IN_TTL_MS + 1;
    expect(pending.take('s1')).toBeNull();
  });

  it("keeps at most 16 from one address, dropping that address's oldest", () => {
    const pending = new PendingSignIns();
    pending.add(entry('ward'), '10.0.0.1');
    for (let i = 0; i <= MAX_PENDING_PER_ADDRESS; i++) pending.add(entry(`s${i}`), '10.0.0.2');
    expect(pending.countFrom('10.0.0.2')).toBe(MAX_PENDING_PER_ADDRESS);
    expect(pending.take('s0')).toBeNull();
    expect(pending.take(`s${MAX_PENDING_PER_ADDRESS}`)).not.toBeNull();
    expect(pending.take('ward')).not.toBeNull();
  });

  it('lets a flood of starts from one address push out only its own sign-ins', () => {
    const pending = new PendingSignIns();
    pending.add(entry('person'), '10.0.0.1');
    for (let i = 0; i < 2000; i++) pending.add(entry(`flood${i}`), '10.0.0.66');
    expect(pending.size).toBe(1 + MAX_PENDING_PER_ADDRESS);
    expect(pending.take('person')).not.toBeNull();
  });

  it('keeps at most 1000 in all, making room at the address with the most in flight', () => {
    const pending = new PendingSignIns();
    pending.add(entry('person'), '10.0.0.1');
    // 62 addresses at their cap and 7 with one each: full.
    for (let a = 0; a < 62; a++) for (let i = 0; i < MAX_PENDING_PER_ADDRESS; i++) pending.add(entry(`a${a}-${i}`), `10.1.0.${a}`);
    for (let b = 0; b < 7; b++) pending.add(entry(`b${b}`), `10.2.0.${b}`);
    expect(pending.size).toBe(MAX_PENDING);
    pending.add(entry('late'), '10.3.0.1');
    expect(pending.size).toBe(MAX_PENDING);
    expect(pending.take('a0-0')).toBeNull();
    expect(pending.countFrom('10.1.0.0')).toBe(MAX_PENDING_PER_ADDRESS - 1);
    expect(pending.take('person')).not.toBeNull();
    expect(pending.take('b0')).not.toBeNull();
    expect(pending.take('late')).not.toBeNull();
  });
});
