import type { WebSocket } from 'ws';
import { imageFrameParts, type ImageFrameHeader } from '../../protocol/index.js';
import { sendImageMessages } from './event-buffer.js';

/**
 * Fetched images wait while more than this is queued on the socket: live images and events,
 * sent straight away, are then never behind more than this and one fetched image.
 */
export const CATCH_UP_HIGH_WATER_BYTES = 1024 * 1024;
/** How soon a waiting catch-up looks at the socket again. */
const WAIT_MS = 10;

/** One fetched image as it goes out: the header it had live, and the bytes this session may see. */
export interface CatchUpImage {
  header: Omit<ImageFrameHeader, 'part' | 'fetched'>;
  /**
   * The bytes, or how to read them when the image's turn comes (the exam image store's spool
   * file: a fetch of a whole series never holds more than the image going out). Null then: no
   * longer held (dropped, or the exam changed since the fetch), and nothing is sent.
   */
  part10: Uint8Array | (() => Uint8Array | null);
}

/**
 * Sends one session's fetched images behind everything live (docs/architecture.md "The image's
 * path"): one image per turn of the event loop, and only while the socket's send queue
 * (`bufferedAmount`) is below the high-water mark; live frames are sent by the broadcast as they
 * come and so always go first. Each image goes out whole, its chunks back to back, marked
 * `fetched`, as two fragments per message (header, then a view of the bytes read: no copy).
 *
 * An image already waiting is not queued again: a client that asks for the same series over
 * and over, and never reads, holds at most one entry per held image, not one per request.
 */
export class CatchUpSender {
  /** By SOP Instance UID, in the order asked for (a Map iterates in insertion order). */
  private readonly queue = new Map<string, CatchUpImage>();
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private sent = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly highWaterBytes = CATCH_UP_HIGH_WATER_BYTES,
  ) {}

  /** Images sent so far (for tests and the bench). */
  get sentCount(): number {
    return this.sent;
  }

  get pending(): number {
    return this.queue.size;
  }

  enqueue(images: readonly CatchUpImage[]): void {
    for (const image of images) if (!this.queue.has(image.header.sopInstanceUid)) this.queue.set(image.header.sopInstanceUid, image);
    this.schedule(false);
  }

  close(): void {
    this.queue.clear();
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.timer = null;
  }

  private schedule(wait: boolean): void {
    if (this.timer || this.queue.size === 0) return;
    this.timer = wait ? setTimeout(() => this.pump(), WAIT_MS) : setImmediate(() => this.pump());
  }

  private pump(): void {
    this.timer = null;
    if (this.ws.readyState !== this.ws.OPEN) {
      this.queue.clear();
      return;
    }
    if (this.ws.bufferedAmount >= this.highWaterBytes) return this.schedule(true);
    const image = this.queue.values().next().value;
    if (image) this.queue.delete(image.header.sopInstanceUid);
    const part10 = image && (typeof image.part10 === 'function' ? image.part10() : image.part10);
    if (image && part10) {
      sendFetched(this.ws, image.header, part10);
      this.sent++;
    }
    this.schedule(false);
  }
}

/** One image as fetched binary messages, sent as the live ones are (event-buffer.ts). */
function sendFetched(ws: WebSocket, liveHeader: CatchUpImage['header'], part10: Uint8Array): void {
  const header: ImageFrameHeader = { ...liveHeader, fetched: true };
  sendImageMessages(ws, imageFrameParts(header, part10));
}
