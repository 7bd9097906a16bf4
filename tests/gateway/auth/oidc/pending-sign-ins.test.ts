import { describe, expect, it } from 'vitest';
import { PendingSignIns, SIGN_IN_TTL_MS } from '../../../../gateway/auth/oidc/pending-sign-ins.js';

const entry = (state: string) => ({ state, codeVerifier: `v-${state}`, nonce: `n-${state}`, role: 'operator' as const, returnTo: 'http://127.0.0.1/onsite' });

describe('sign-ins waiting for the provider to send the person back', () => {
  it('gives each sign-in back once, with a fresh browser binding', () => {
    const pending = new PendingSignIns();
    const added = pending.add(entry('s1'));
    expect(added.browserBinding).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pending.take('s1')).toEqual(added);
    expect(pending.take('s1')).toBeNull();
  });

  it('forgets a sign-in abandoned longer than its time to live', () => {
    let now = 1_000_000;
    const pending = new PendingSignIns(() => now);
    pending.add(entry('s1'));
    now += SIGN_IN_TTL_MS + 1;
    expect(pending.take('s1')).toBeNull();
  });

  it('keeps at most 1000, dropping the oldest', () => {
    const pending = new PendingSignIns();
    for (let i = 0; i < 1001; i++) pending.add(entry(`s${i}`));
    expect(pending.size).toBe(1000);
    expect(pending.take('s0')).toBeNull();
    expect(pending.take('s1000')).not.toBeNull();
  });
});
