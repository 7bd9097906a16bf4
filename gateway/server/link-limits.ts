/**
 * What one peer may cost the gateway on the WebSocket port, and how its refusals are written
 * down: a per-connection message rate (token bucket), a per-address connection count, and an
 * audit that folds repeated refusals of one kind into one row with a count per window, so that a
 * flood costs one fsync per window instead of one per message.
 */

export interface LinkLimits {
  /** Sustained messages per second one connection may send (heartbeats are 4/s). */
  messagesPerSecond: number;
  /** Messages one connection may send at once above the sustained rate. */
  messageBurst: number;
  /** Open connections from one network address (a training class of 22 on one host fits). */
  connectionsPerAddress: number;
  /** Repeated refusals of one kind from one session are written as one row per window. */
  refusalAuditWindowMs: number;
}

export const DEFAULT_LINK_LIMITS: LinkLimits = { messagesPerSecond: 1000, messageBurst: 2000, connectionsPerAddress: 64, refusalAuditWindowMs: 10_000 };

/** Token bucket (tokens refill continuously at `rate` per second up to `burst`). */
export class MessageRate {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** True when the message may be handled; false when it is over the rate and must be refused. */
  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Open connections per remote address. */
export class AddressCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Count one more from `address`; false (and not counted) when it would exceed the limit. */
  admit(address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (count >= this.limit) return false;
    this.open.set(address, count + 1);
    return true;
  }

  release(address: string): void {
    const count = (this.open.get(address) ?? 1) - 1;
    if (count <= 0) this.open.delete(address);
    else this.open.set(address, count);
  }
}

export interface RefusalRow {
  key: string;
  code: string;
  /** Refusals folded into this row (1 for the first of a window). */
  count: number;
  firstAt: string;
  lastAt: string;
  reason: string;
}

/**
 * The first refusal of a kind (key + code) is written at once; the ones that follow within the
 * window are counted and written as one row when the window ends (or on flush()).
 */
export class RefusalAudit {
  private readonly open = new Map<string, { row: RefusalRow; timer: NodeJS.Timeout | null }>();

  constructor(
    private readonly windowMs: number,
    private readonly write: (row: RefusalRow) => void,
  ) {}

  refuse(key: string, code: string, reason: string, now = new Date()): void {
    const id = `${key}\u0000${code}`;
    const at = now.toISOString();
    const entry = this.open.get(id);
    if (entry === undefined) {
      this.write({ key, code, count: 1, firstAt: at, lastAt: at, reason });
      const fresh = { row: { key, code, count: 0, firstAt: at, lastAt: at, reason }, timer: null as NodeJS.Timeout | null };
      fresh.timer = setTimeout(() => this.close(id), this.windowMs);
      fresh.timer.unref();
      this.open.set(id, fresh);
      return;
    }
    if (entry.row.count === 0) entry.row.firstAt = at;
    entry.row.count++;
    entry.row.lastAt = at;
    entry.row.reason = reason;
  }

  /** Write every pending count now (at shutdown). */
  flush(): void {
    for (const id of [...this.open.keys()]) this.close(id);
  }

  private close(id: string): void {
    const entry = this.open.get(id);
    if (entry === undefined) return;
    if (entry.timer) clearTimeout(entry.timer);
    this.open.delete(id);
    if (entry.row.count > 0) this.write(entry.row);
  }
}
