import type { ImageDecodeResult, ImageDecoder } from '../core/workstation-core.js';

interface Job {
  frame: Uint8Array;
  resolve(result: ImageDecodeResult): void;
  reject(err: unknown): void;
}

/**
 * One decode pool for every core of the desk, the focused scanner's images first: the console
 * shows them live, while the other scanners' images only feed their tiles. At most
 * `concurrency` frames are with the pool at once (its size), so a focused image waits for at
 * most that many decodes, never for a queue of nine other scanners' slices. Each core still
 * applies its own results in arrival order (main/core/workstation-core.ts).
 */
export class FocusedFirstDecoder {
  private readonly focusedQueue: Job[] = [];
  private readonly otherQueue: Job[] = [];
  private running = 0;

  constructor(
    private readonly decode: (frame: Uint8Array) => ImageDecodeResult | Promise<ImageDecodeResult>,
    private readonly concurrency = 1,
  ) {}

  /** The decoder of one core; `focused` is asked when each frame arrives. */
  decoderFor(focused: () => boolean): ImageDecoder {
    return (frame) =>
      new Promise<ImageDecodeResult>((resolve, reject) => {
        (focused() ? this.focusedQueue : this.otherQueue).push({ frame, resolve, reject });
        this.pump();
      });
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const job = this.focusedQueue.shift() ?? this.otherQueue.shift();
      if (!job) return;
      this.running++;
      Promise.resolve()
        .then(() => this.decode(job.frame))
        .then(job.resolve, job.reject)
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}
