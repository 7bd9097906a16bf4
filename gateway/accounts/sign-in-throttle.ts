/**
 * Back-off after failed sign-ins (NIST SP 800-63B 5.2.2, rate limiting): a few free tries, then
 * each further failure doubles the wait before the next try is even checked. Kept per account
 * (guessing one person's password) and per address (trying many names from one machine), in
 * memory: a gateway restart forgives, which the audit trail still shows.
 */
export interface ThrottlePolicy {
  freeFailures: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const ACCOUNT_THROTTLE: ThrottlePolicy = { freeFailures: 5, firstDelayMs: 1000, maxDelayMs: 5 * 60_000 };
export const ADDRESS_THROTTLE: ThrottlePolicy = { freeFailures: 20, firstDelayMs: 1000, maxDelayMs: 5 * 60_000 };

interface Failures {
  count: number;
  blockedUntil: number;
}

export class SignInThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again (0: now). */
  waitMs(key: string): number {
    const f = this.failures.get(key);
    return f ? Math.max(0, f.blockedUntil - this.now()) : 0;
  }

  failed(key: string): void {
    const f = this.failures.get(key) ?? { count: 0, blockedUntil: 0 };
    f.count++;
    const over = f.count - this.policy.freeFailures;
    if (over > 0) f.blockedUntil = this.now() + Math.min(this.policy.maxDelayMs, this.policy.firstDelayMs * 2 ** (over - 1));
    this.failures.set(key, f);
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }
}
