/**
 * Received images wait here, in arrival order, for the image pipeline (compress, publish).
 * The receiver answers a C-STORE once its object is checked and admitted; the pipeline's work
 * (RLE encoding above all) then overlaps with the peer sending the next object, instead of the
 * peer waiting for it. At most `depth` objects wait: beyond that, `add` resolves only when one
 * has been taken, so the peer's next C-STORE response waits (memory stays bounded by the depth).
 */
export class IngestQueue<T> {
  private readonly waiting: T[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  private scheduled = false;

  constructor(
    private readonly take: (item: T) => void,
    private readonly depth = 4,
  ) {}

  /** Resolves when the item is queued and there is room for the next one. */
  add(item: T): Promise<void> {
    this.waiting.push(item);
    this.schedule();
    if (this.waiting.length < this.depth) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Take everything still waiting now (at shutdown). */
  drain(): void {
    while (this.waiting.length > 0) this.takeOne();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: socket reads (the next PDUs) get their turn in between.
    setImmediate(() => {
      this.scheduled = false;
      if (this.waiting.length === 0) return;
      this.takeOne();
      if (this.waiting.length > 0) this.schedule();
    });
  }

  private takeOne(): void {
    const item = this.waiting.shift()!;
    try {
      this.take(item);
    } finally {
      if (this.waiting.length < this.depth) this.roomWaiters.shift()?.();
    }
  }
}
