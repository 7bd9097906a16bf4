import type { ReconnectPolicy } from '../../protocol/health.js';
import type { Random } from '../../base/common/random.js';

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

/**
 * How long attempt `attempt` (1-based) waits for the gateway's welcome: the policy's first wait,
 * doubled with each attempt up to its cap (protocol/health.ts ReconnectPolicy attemptTimeoutCapMs).
 */
export function attemptTimeoutMs(attempt: number, policy: ReconnectPolicy): number {
  return Math.min(Math.max(policy.attemptTimeoutCapMs, policy.attemptTimeoutMs), policy.attemptTimeoutMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}
