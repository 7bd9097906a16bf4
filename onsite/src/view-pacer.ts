/**
 * How often the onsite console's view may be published: once per frame of a 60 Hz display, no
 * slower than a screen shows it, so an alarm is on the banner within one frame of its message.
 */
export const VIEW_INTERVAL_MS = 16;

/**
 * Paces the onsite console's view (docs/architecture.md "Pushes to the window", as the
 * workstation paces its window). A change is published at once when the last publish is an
 * interval old, else when the interval ends, with every change made meanwhile: a burst of
 * thousands of messages is one view, and one page render, per interval instead of one per
 * message, and the page keeps time for its heartbeats and its emergency stop.
 *
 * Its timer is not all it waits for: a hidden page's timers wake at most once a second (Chromium
 * throttles them), so each message and each heartbeat tick also `poke`s it (heartbeat-clock.ts
 * keeps its time in a worker, which is not throttled). What is due goes with the first of them.
 */
export class ViewPacer {
  private last = Number.NEGATIVE_INFINITY;
  private due = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly publish: () => void,
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = VIEW_INTERVAL_MS,
  ) {}

  /** The view changed. */
  changed(): void {
    this.due = true;
    this.poke();
  }

  /** Publishes what is due if its interval has ended; else makes sure a timer will. */
  poke(): void {
    if (!this.due) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.poke();
      }, wait);
      return;
    }
    this.stop();
    this.due = false;
    this.last = this.now();
    this.publish();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
