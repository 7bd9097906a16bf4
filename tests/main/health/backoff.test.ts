import { describe, expect, it } from 'vitest';
import { RECONNECT_POLICY } from '../../../protocol/health.js';
import { seededRandom } from '../../../base/common/random.js';
import { attemptTimeoutMs, backoffDelayMs } from '../../../main/health/backoff.js';

describe('backoffDelayMs', () => {
  it('tries the first reconnect at once', () => {
    expect(backoffDelayMs(1, RECONNECT_POLICY, () => 0.99)).toBe(0);
  });

  it('draws later delays uniformly below an exponentially growing, capped ceiling', () => {
    const p = RECONNECT_POLICY;
    expect(backoffDelayMs(2, p, () => 0.999)).toBeCloseTo(p.baseDelayMs * 0.999);
    expect(backoffDelayMs(4, p, () => 0.5)).toBeCloseTo(p.baseDelayMs * 4 * 0.5);
    expect(backoffDelayMs(40, p, () => 0.999)).toBeLessThanOrEqual(p.capDelayMs);
    expect(backoffDelayMs(5, p, () => 0)).toBe(0);
  });

  it('spreads delays over the whole range (full jitter)', () => {
    const random = seededRandom(42);
    const delays = Array.from({ length: 1000 }, () => backoffDelayMs(3, RECONNECT_POLICY, random));
    const ceiling = RECONNECT_POLICY.baseDelayMs * 2;
    expect(Math.min(...delays)).toBeLessThan(ceiling * 0.05);
    expect(Math.max(...delays)).toBeGreaterThan(ceiling * 0.95);
  });
});

describe('attemptTimeoutMs', () => {
  it("waits the policy's first wait, then twice as long each attempt, up to the cap", () => {
    const p = { ...RECONNECT_POLICY, attemptTimeoutMs: 1500, attemptTimeoutCapMs: 6000 };
    expect([1, 2, 3, 4, 50].map((n) => attemptTimeoutMs(n, p))).toEqual([1500, 3000, 6000, 6000, 6000]);
  });

  it('never waits less than the first wait, whatever the cap says', () => {
    expect(attemptTimeoutMs(3, { ...RECONNECT_POLICY, attemptTimeoutMs: 2000, attemptTimeoutCapMs: 500 })).toBe(2000);
  });
});
