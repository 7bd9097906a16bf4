/**
 * How long a periodic check's own process did not run. A tick far behind its time means the
 * process stalled (a long task, a starved machine); what its peers sent meanwhile waits unread,
 * since Node reads sockets only after its timers have run. Liveness checks excuse that time
 * instead of taking it for the peer's silence (docs/architecture.md "Link health").
 */
export class StalledTicks {
  private last: number;

  constructor(
    private readonly intervalMs: number,
    /** Lateness below this is ordinary timer jitter. */
    private readonly thresholdMs: number,
    now: number,
  ) {
    this.last = now;
  }

  /** The tick at `now`: how long the process stalled since the last one (0 when on time). */
  stalledMs(now: number): number {
    const behind = now - this.last - this.intervalMs;
    this.last = now;
    return behind > this.thresholdMs ? behind : 0;
  }
}
