import { describe, expect, it } from 'vitest';
import { idleDecision, idleSignOutWords } from '../../renderer/src/logic/idle-sign-out.js';

const MINUTE = 60_000;

describe('idle sign-out (machine policy idleSignOutMinutes)', () => {
  it('never signs out when the policy sets no idle time', () => {
    expect(idleDecision({ idleMinutes: null, lastActivityMs: 0, nowMs: 24 * 60 * MINUTE, acquiring: false })).toBe('stay');
  });

  it('stays signed in until the idle time has passed, then signs out', () => {
    expect(idleDecision({ idleMinutes: 15, lastActivityMs: 0, nowMs: 15 * MINUTE - 1, acquiring: false })).toBe('stay');
    expect(idleDecision({ idleMinutes: 15, lastActivityMs: 0, nowMs: 15 * MINUTE, acquiring: false })).toBe('sign-out');
  });

  it('waits for a running acquisition to end rather than trigger the operator-loss policy', () => {
    expect(idleDecision({ idleMinutes: 15, lastActivityMs: 0, nowMs: 40 * MINUTE, acquiring: true })).toBe('wait-for-acquisition');
  });

  it('says why in the technologist’s words', () => {
    expect(idleSignOutWords(1)).toBe("Signed out after 1 minute without activity (this computer's policy). Sign in again to continue.");
    expect(idleSignOutWords(20)).toMatch(/after 20 minutes without activity/);
  });
});
