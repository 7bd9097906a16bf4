import type { ShownImage } from './part10-preview.js';

/**
 * An image as the onsite viewer holds it: how to name and place it, and a bitmap to draw, at most
 * PAINTED_SIDE pixels on its longer side (image-worker.ts).
 */
export type PaintedImage = Omit<ShownImage, 'rgba'> & { bitmap: ImageBitmap };

/**
 * An image as the onsite viewer gets it: painted, or why it cannot be shown here. `fetched`: asked
 * for on joining (join-images.ts), older than any live image.
 */
export type OnsiteImageArrival = { ok: true; image: PaintedImage; fetched: boolean } | { ok: false; sopInstanceUid: string; reason: string };

/**
 * The page's side of its image worker (image-worker.ts): every binary message from the gateway,
 * a whole image frame or a part of one (protocol/image-frame.ts), moves there as it came, and each
 * image comes back painted, in the order sent. A worker that fails loses what it held, as a lost
 * message would be, and another is started for the next message.
 */
export class OnsiteImageReader {
  private worker: Worker | null = null;

  constructor(private readonly arrived: (arrival: OnsiteImageArrival) => void) {}

  take(message: ArrayBuffer): void {
    (this.worker ?? this.start()).postMessage(message, [message]);
  }

  close(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private start(): Worker {
    const worker = new Worker(new URL('./image-worker.ts', import.meta.url), { type: 'module', name: 'onsite images' });
    worker.onmessage = (event: MessageEvent<OnsiteImageArrival>) => this.arrived(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.close();
    };
    this.worker = worker;
    return worker;
  }
}
