import type { ReconnectPolicy } from '../../protocol/health.js';

/** A source of uniform numbers in [0, 1); seeded in tests and benchmarks. */
export type Random = () => number;

/**
 * Delay before reconnect attempt `attempt` (1-based): the first is immediate (the other route
 * may well be up), later ones use exponential backoff with full jitter, uniform in
 * [0, min(cap, base * 2^(attempt-2))] ("Exponential Backoff And Jitter", AWS Architecture Blog,
 * 2015): many workstations losing one gateway do not come back in lockstep.
 */
export function backoffDelayMs(attempt: number, policy: ReconnectPolicy, random: Random): number {
  if (attempt <= 1) return 0;
  const ceiling = Math.min(policy.capDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 2, 30));
  return random() * ceiling;
}

/** mulberry32: a tiny seeded PRNG, good enough for jitter and fault schedules. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
