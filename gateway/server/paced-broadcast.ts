/**
 * A message everyone gets again whenever something changes (the exam catalogue), sent at most
 * so often and no faster than a rate of bytes: a change asked for at a quiet time goes out at
 * once (the next turn of the event loop); changes asked for while it waits go out together, as
 * one message of how things are then.
 *
 * Why: such a message grows with what it describes (the catalogue with its series, up to a
 * megabyte), and something outside our control can change that several times a second: a DICOM
 * peer that starts a series with each image. Sent on each change, 300 such images gave each
 * workstation 229 MB of catalogues in 17 s, and the gateway spent 4.6 s of its event loop
 * making them for 6 workstations (README "The exam's catalogue under a storm of series").
 */
export interface PacedBroadcastOptions {
  /** The least time between two sends. */
  minIntervalMs: number;
  /** After a send of N bytes (to each client), the next waits N / this seconds at least. */
  bytesPerSecond: number;
}

export class PacedBroadcast {
  private due: { timer: NodeJS.Timeout } | { immediate: NodeJS.Immediate } | null = null;
  private nextAt = 0;

  constructor(
    /** Sends the message as things are now; returns the bytes it sent each client (its largest). */
    private readonly send: () => number,
    private readonly options: PacedBroadcastOptions,
  ) {}

  /** Something changed: the message goes out at once when it may, else when it next may. */
  request(): void {
    if (this.due) return;
    const fire = () => {
      this.due = null;
      const bytes = this.send();
      this.nextAt = Date.now() + Math.max(this.options.minIntervalMs, (bytes * 1000) / this.options.bytesPerSecond);
    };
    const wait = this.nextAt - Date.now();
    this.due = wait > 0 ? { timer: setTimeout(fire, wait) } : { immediate: setImmediate(fire) };
  }

  close(): void {
    if (this.due && 'timer' in this.due) clearTimeout(this.due.timer);
    if (this.due && 'immediate' in this.due) clearImmediate(this.due.immediate);
    this.due = null;
  }
}
