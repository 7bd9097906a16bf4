/**
 * Back-off after failed sign-ins (NIST SP 800-63B 5.2.2, rate limiting): a few free tries, then
 * each further failure doubles the wait before the next try is even checked. Kept per account
 * (guessing one person's password) and per address (trying many names from one machine), in
 * memory: a gateway restart forgives, which the audit trail still shows.
 *
 * Tries checked at once count too. A password check takes tens of milliseconds on a worker
 * thread, and a failure is known only at its end: without a bound, a peer sending a few hundred
 * tries at once would have every one of them checked before the first failure counted (each free
 * try spent many times over), and would queue its checks ahead of everyone else's sign-in. So a
 * key has a few tries checked at once, and a few more waiting their turn (a class signing in
 * together behind one NAT address); a try beyond those is held back.
 */
export interface ThrottlePolicy {
  freeFailures: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** Tries of one key checked at once, while free tries are left; one at a time after that. */
  maxConcurrent: number;
  /** Tries of one key waiting for their turn; any more are held back at once. */
  maxWaiting: number;
}

export const ACCOUNT_THROTTLE: ThrottlePolicy = { freeFailures: 5, firstDelayMs: 1000, maxDelayMs: 5 * 60_000, maxConcurrent: 2, maxWaiting: 8 };
export const ADDRESS_THROTTLE: ThrottlePolicy = { freeFailures: 20, firstDelayMs: 1000, maxDelayMs: 5 * 60_000, maxConcurrent: 4, maxWaiting: 32 };

/**
 * Keys with failures remembered at most: user names are the peer's to make up. Past it the key
 * failed longest ago is forgotten, so memory is bounded and a recent guesser is still held back.
 */
const MAX_KEYS = 10_000;

interface Failures {
  count: number;
  blockedUntil: number;
}

interface Checking {
  running: number;
  /** Each starts its try when called, its place already taken. */
  waiting: (() => void)[];
}

export class SignInThrottle {
  /** In order of the last failure: the first is the one to forget. */
  private readonly failures = new Map<string, Failures>();
  private readonly checking = new Map<string, Checking>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = MAX_KEYS,
  ) {}

  /** Milliseconds until `key` may try again (0: now). */
  waitMs(key: string): number {
    const f = this.failures.get(key);
    return f ? Math.max(0, f.blockedUntil - this.now()) : 0;
  }

  /**
   * A try of `key` may be checked: resolves, once it is its turn, with what ends it (call it when
   * the try has succeeded or failed), or at once with null when `maxWaiting` tries already wait.
   * Its turn comes when fewer tries of `key` are being checked than may be: its free tries left,
   * at most `maxConcurrent`, and one once none is left. Whoever waited checks waitMs() again.
   */
  begin(key: string): Promise<(() => void) | null> {
    let entry = this.checking.get(key);
    if (entry === undefined) this.checking.set(key, (entry = { running: 0, waiting: [] }));
    const checking = entry;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      checking.running--;
      this.startWaiting(key, checking);
    };
    if (checking.running < this.atOnce(key)) {
      checking.running++;
      return Promise.resolve(end);
    }
    if (checking.waiting.length >= this.policy.maxWaiting) return Promise.resolve(null);
    return new Promise((resolve) => checking.waiting.push(() => resolve(end)));
  }

  private atOnce(key: string): number {
    const left = this.policy.freeFailures - (this.failures.get(key)?.count ?? 0);
    return Math.max(1, Math.min(this.policy.maxConcurrent, left));
  }

  private startWaiting(key: string, checking: Checking): void {
    while (checking.waiting.length > 0 && checking.running < this.atOnce(key)) {
      checking.running++;
      checking.waiting.shift()!();
    }
    if (checking.running === 0) this.checking.delete(key);
  }

  failed(key: string): void {
    const f = this.failures.get(key) ?? { count: 0, blockedUntil: 0 };
    f.count++;
    const over = f.count - this.policy.freeFailures;
    if (over > 0) f.blockedUntil = this.now() + Math.min(this.policy.maxDelayMs, this.policy.firstDelayMs * 2 ** (over - 1));
    this.failures.delete(key);
    if (this.failures.size >= this.maxKeys) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(key, f);
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }
}
