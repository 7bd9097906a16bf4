import { z } from 'zod';
import { ErrorCode, LarmorError } from './errors.js';

/**
 * Binary WebSocket frame carrying one image (docs/architecture.md "Wire protocol"):
 *
 *   u32 little-endian  header length H
 *   H bytes            header, JSON in UTF-8 (ImageFrameHeader)
 *   rest               the DICOM Part 10 file (PS3.10), in the transfer syntax the header names
 *
 * Images share the event numbering with JSON events so that a resumed link misses none.
 */
export const ImageFrameHeader = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  source: z.enum(['simulator', 'c-store']),
  transferSyntaxUid: z.string(),
  sopInstanceUid: z.string(),
  seriesUid: z.string(),
  /** Images the acquisition will produce in this series, when known. */
  imagesInSeries: z.number().int().positive().nullable(),
  /**
   * Present when the image travels in several binary messages (see encodeImageFrameChunks): this
   * message carries bytes [offset, offset + its length) of the Part 10 file of `total` bytes.
   */
  /**
   * A held image sent again because the client asked for it (image.fetch, protocol/exam-images.ts),
   * not a live one: `seq` is the number it had when live; the client neither sequences it nor
   * counts it as new.
   */
  fetched: z.literal(true).optional(),
  part: z
    .object({
      index: z.number().int().nonnegative(),
      count: z.number().int().min(2),
      offset: z.number().int().nonnegative(),
      total: z.number().int().positive(),
    })
    .optional(),
});
export type ImageFrameHeader = z.infer<typeof ImageFrameHeader>;

const MAX_HEADER_BYTES = 64 * 1024;

export function encodeImageFrame(header: ImageFrameHeader, part10: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const frame = new Uint8Array(4 + json.length + part10.length);
  new DataView(frame.buffer).setUint32(0, json.length, true);
  frame.set(json, 4);
  frame.set(part10, 4 + json.length);
  return frame;
}

export interface DecodedImageFrame {
  header: ImageFrameHeader;
  /** A view into the frame: no copy. */
  part10: Uint8Array;
}

export function decodeImageFrame(frame: Uint8Array): DecodedImageFrame {
  if (frame.length < 4) throw new LarmorError(ErrorCode.INVALID_MESSAGE, 'image frame shorter than its length prefix');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES || 4 + headerLength > frame.length) {
    throw new LarmorError(ErrorCode.INVALID_MESSAGE, `image frame header length ${headerLength} does not fit the frame`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(4, 4 + headerLength)));
  } catch {
    throw new LarmorError(ErrorCode.MALFORMED_JSON, 'image frame header is not valid JSON');
  }
  const parsed = ImageFrameHeader.safeParse(raw);
  if (!parsed.success) throw new LarmorError(ErrorCode.INVALID_MESSAGE, 'image frame header does not match the schema');
  return { header: parsed.data, part10: frame.subarray(4 + headerLength) };
}

/**
 * Largest Part 10 slice one binary message carries: far below the 16 MiB WebSocket frame limit
 * (MAX_FRAME_BYTES) of either side, so an image of any size the gateway accepts is delivered,
 * and a heartbeat waits behind at most one chunk. A browser takes each message in on the page's
 * main thread, where the onsite console's heartbeats run: at 4 MiB a message held that thread
 * for 100-150 ms, at 256 KiB for less than the 50 ms of a long task (README "The onsite
 * console's images"). A 512x512 MR image, RLE-compressed, still travels in one message.
 */
export const IMAGE_CHUNK_BYTES = 256 * 1024;

/**
 * One binary message of an image as a sender writes it without copying the image: the frame's
 * head (length prefix and JSON header) and its Part 10 bytes, sent as the two fragments of one
 * WebSocket message (RFC 6455 5.4). The receiver gets one message, byte for byte what
 * encodeImageFrame() makes of the same header and bytes.
 */
export interface ImageFrameParts {
  head: Uint8Array;
  /** The Part 10 bytes (or one chunk's slice of them), as given: a view, never a copy. */
  body: Uint8Array;
}

const NO_BYTES = new Uint8Array(0);

/**
 * One image as the binary messages that carry it: a single message when it fits in
 * `chunkBytes`, else consecutive chunks with the same `seq`, each naming its part. Sent back to
 * back on one socket, so nothing interleaves.
 */
export function imageFrameParts(header: ImageFrameHeader, part10: Uint8Array, chunkBytes = IMAGE_CHUNK_BYTES): ImageFrameParts[] {
  if (part10.length <= chunkBytes) return [{ head: encodeImageFrame(header, NO_BYTES), body: part10 }];
  const count = Math.ceil(part10.length / chunkBytes);
  const parts: ImageFrameParts[] = [];
  for (let index = 0; index < count; index++) {
    const offset = index * chunkBytes;
    parts.push({
      head: encodeImageFrame({ ...header, part: { index, count, offset, total: part10.length } }, NO_BYTES),
      body: part10.subarray(offset, offset + chunkBytes),
    });
  }
  return parts;
}

/** The same messages, each as one buffer (the head and body joined). */
export function encodeImageFrameChunks(header: ImageFrameHeader, part10: Uint8Array, chunkBytes = IMAGE_CHUNK_BYTES): Uint8Array[] {
  return imageFrameParts(header, part10, chunkBytes).map(({ head, body }) => {
    const message = new Uint8Array(head.length + body.length);
    message.set(head, 0);
    message.set(body, head.length);
    return message;
  });
}

/**
 * How far ahead of the bytes that came a chunked image's declared `total` is taken for
 * allocation: the whole frame is made once the bytes received are at least 1/16 of it, and
 * until then they wait in a buffer at most twice their size. A header is only a claim: one of
 * 350 bytes declaring a gigabyte made the receiver allocate the gigabyte, 200 times a second.
 * The bytes that come before the whole frame is made, at most a sixteenth of the image, are
 * copied again as that buffer grows and once more into the frame; every later chunk is copied
 * once, to its place. The largest single copy is that sixteenth (16 MiB of a 256 MiB object),
 * not half the object as with a buffer that doubles up to the total.
 */
const ALLOCATE_AHEAD = 16;

/** An unfinished chunked image: its frame so far (head in front), and where the next part goes. */
interface PendingImage {
  seq: number;
  count: number;
  total: number;
  /** The frame's head (the first chunk's header without `part`), at the front of `frame`. */
  headBytes: number;
  /** `headBytes + total` long once the whole frame is made; until then a smaller buffer that grows. */
  frame: Uint8Array;
  received: number;
  next: number;
}

/**
 * Puts chunked images back together on the receiving side. `add` returns the whole image as one
 * frame (its header without `part`) once the last chunk arrived, `null` while parts are missing.
 * A chunk out of order, or one beyond `maxBytes`, throws INVALID_MESSAGE / FRAME_TOO_LARGE and
 * drops the partial image; a new link must call `reset()` (the resume replays the whole image).
 *
 * A sender writes an image's chunks back to back (event-buffer.ts sendImageMessages), so at most
 * one image is unfinished at a time: another image (its first part, or a whole one) arriving
 * before the last part drops the unfinished one, told to `dropped` with INVALID_MESSAGE. What is
 * held is `heldBytes`: the one unfinished frame, allocated as its bytes arrive (ALLOCATE_AHEAD),
 * never more than `maxBytes` and its head.
 *
 * Once made, the whole frame has its head in front, and each later chunk is copied once, to its
 * place: the last chunk completes the frame instead of starting a copy of all of it, which for
 * an 80 MiB object held the event loop (and the heartbeats behind it) for 60-90 ms.
 */
export class ImageChunkAssembler {
  private pending: PendingImage | null = null;

  constructor(
    private readonly maxBytes = 1024 * 1024 * 1024,
    private readonly dropped: (error: LarmorError) => void = () => {},
  ) {}

  /** Bytes held for the unfinished image (its buffer, head included); 0 when none. */
  get heldBytes(): number {
    return this.pending?.frame.byteLength ?? 0;
  }

  reset(): void {
    this.pending = null;
  }

  add(message: Uint8Array): Uint8Array | null {
    const { header, part10 } = decodeImageFrame(message);
    const part = header.part;
    if (part === undefined) {
      this.abandon(header.seq);
      return message;
    }
    if (part.index === 0) {
      this.abandon(header.seq);
      if (part.total > this.maxBytes) throw new LarmorError(ErrorCode.FRAME_TOO_LARGE, `image of ${part.total} bytes exceeds the ${this.maxBytes}-byte limit`);
      const { part: _part, ...whole } = header;
      const head = encodeImageFrame(whole, NO_BYTES);
      const frame = new Uint8Array(head.length + initialCapacity(part10.length, part.total));
      frame.set(head, 0);
      this.pending = { seq: header.seq, count: part.count, total: part.total, headBytes: head.length, frame, received: 0, next: 0 };
    }
    const pending = this.pending;
    if (
      pending === null ||
      pending.seq !== header.seq ||
      pending.next !== part.index ||
      part.count !== pending.count ||
      part.offset !== pending.received ||
      part.total !== pending.total ||
      part.offset + part10.length > pending.total
    ) {
      this.pending = null;
      throw new LarmorError(ErrorCode.INVALID_MESSAGE, `image ${header.seq}: part ${part.index + 1} of ${part.count} arrived out of order`);
    }
    const needed = pending.received + part10.length;
    if (pending.frame.length - pending.headBytes < needed) {
      const capacity = needed * ALLOCATE_AHEAD >= pending.total ? pending.total : Math.min(2 * needed, pending.total);
      const frame = new Uint8Array(pending.headBytes + capacity);
      frame.set(pending.frame.subarray(0, pending.headBytes + pending.received), 0);
      pending.frame = frame;
    } else if (pending.frame.length - pending.headBytes < pending.total && needed * ALLOCATE_AHEAD >= pending.total) {
      // Made now, while what is copied into it is still a sixteenth of the image at most.
      const frame = new Uint8Array(pending.headBytes + pending.total);
      frame.set(pending.frame.subarray(0, pending.headBytes + pending.received), 0);
      pending.frame = frame;
    }
    pending.frame.set(part10, pending.headBytes + part.offset);
    pending.received = needed;
    pending.next++;
    if (pending.next < part.count) return null;
    this.pending = null;
    if (pending.received !== pending.total)
      throw new LarmorError(ErrorCode.INVALID_MESSAGE, `image ${header.seq}: ${pending.received} of ${pending.total} bytes arrived`);
    return pending.frame;
  }

  /** Another image began: the unfinished one will never complete (its parts come back to back). */
  private abandon(by: number): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    this.dropped(
      new LarmorError(
        ErrorCode.INVALID_MESSAGE,
        `image ${pending.seq}: dropped unfinished, ${pending.received} of ${pending.total} bytes in ${pending.next} of ${pending.count} parts, when image ${by} began`,
      ),
    );
  }
}

/** The first buffer of a chunked image: the whole frame when its first chunk is enough of it (ALLOCATE_AHEAD), else twice that chunk. */
function initialCapacity(firstChunk: number, total: number): number {
  return firstChunk * ALLOCATE_AHEAD >= total ? total : Math.min(2 * firstChunk, total);
}
