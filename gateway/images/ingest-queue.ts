/**
 * Received images on their way through the image pipeline (compress in the transcode pool,
 * publish). The receiver answers a C-STORE once its object is checked and admitted; the
 * pipeline's work (RLE encoding above all) then overlaps with the peer sending the next
 * object, instead of the peer waiting for it. At most `depth` objects are in the pipeline:
 * beyond that, `add` resolves only when one of them is done, so the peer's next C-STORE
 * response waits (memory stays bounded by the depth).
 */
export class IngestQueue<T> {
  private readonly running = new Set<Promise<void>>();
  private readonly roomWaiters: (() => void)[] = [];

  /** `take` starts an item's work and settles when it is done; it handles its own failures (never rejects). */
  constructor(
    private readonly take: (item: T) => Promise<void>,
    private readonly depth = 4,
  ) {}

  /** Resolves when the item is taken and there is room for the next one. */
  add(item: T): Promise<void> {
    const done: Promise<void> = this.take(item).finally(() => {
      this.running.delete(done);
      this.roomWaiters.shift()?.();
    });
    this.running.add(done);
    if (this.running.size < this.depth) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Resolves when every item taken so far is done (at shutdown). */
  async drain(): Promise<void> {
    await Promise.all(this.running);
  }
}
