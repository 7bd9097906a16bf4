import type { WebSocket } from 'ws';
import {
  ErrorCode,
  LarmorError,
  MAX_FRAME_BYTES,
  imageFrameParts,
  type EventMessage,
  type GatewayEventBody,
  type ImageFrameHeader,
  type ImageFrameParts,
} from '../../protocol/index.js';
import { bytesOver } from './message-size.js';

/** One numbered event, serialised once and sent as is to every client (and on replay). */
export interface BufferedEvent {
  seq: number;
  /** A JSON event, an image in one binary message, or an image in chunks sent back to back. */
  frame: EventFrame;
  /**
   * What observer sessions get instead, when the site removes patient identifiers for them
   * (observer PHI policy "none"); null when the event must not reach them at all (an image
   * that could not be de-identified). Absent: observers get `frame`. A chunked image's
   * observer copy is chunked from the de-identified Part 10 bytes, never from the full ones.
   */
  observerFrame?: EventFrame | null;
  /**
   * Makes `observerFrame` (and `image.observerPart10`) when an observer first needs it (an
   * image: de-identifying costs a copy of the whole object, so none is made, or held, while no
   * observer watches); used once.
   */
  observerCopy?: () => void;
  /**
   * An image event's Part 10 bytes (its frame's bodies are these very bytes), as the exam image
   * store (gateway/images/exam-image-store.ts) gets them to write to its spool.
   * `observerPart10` is set when the observer copy is made: null when withheld from observers.
   * Absent on an image event rebuilt from the spool for a replay.
   */
  image?: { header: ImageFrameHeader; part10: Uint8Array; observerPart10?: Uint8Array | null };
}

/**
 * One event as it goes on the wire: a JSON text, or an image's binary messages (one, or its
 * chunks), each written as a head and the image's own bytes (protocol/image-frame.ts), so an
 * image is never copied to be sent.
 */
export type EventFrame = string | readonly ImageFrameParts[];

/** How an event is made fit for observers; computed once per event, like the frame itself. */
export interface ObserverRedaction {
  body(body: GatewayEventBody): GatewayEventBody;
  /** The image's observer copy, or null when it must not reach observers; `header` names the image. */
  part10(part10: Uint8Array, header: ImageFrameHeader): Uint8Array | null;
}

/** The frame one session gets for an event: null means it gets nothing. */
export function frameFor(role: string | null, event: BufferedEvent): EventFrame | null {
  if (role !== 'observer') return event.frame;
  if (event.observerCopy) {
    const make = event.observerCopy;
    delete event.observerCopy;
    make();
  }
  return event.observerFrame !== undefined ? event.observerFrame : event.frame;
}

/**
 * Send one buffered event as the session with `role` may see it: its chunks back to back, so
 * no other message comes between them; nothing when that role must not get it.
 */
export function sendEvent(ws: WebSocket, event: BufferedEvent, role: string | null): void {
  const frame = frameFor(role, event);
  if (frame === null) return;
  if (typeof frame === 'string') ws.send(frame);
  else sendImageMessages(ws, frame);
}

/**
 * An image's binary messages, each as two fragments of one message (RFC 6455 5.4): its head,
 * then its bytes as they are. Back to back, in one turn of the event loop, so no other message
 * comes between the fragments (ws writes a server's frames without copying their data).
 */
export function sendImageMessages(ws: WebSocket, messages: readonly ImageFrameParts[]): void {
  for (const { head, body } of messages) {
    ws.send(head, { binary: true, fin: false });
    ws.send(body, { binary: true, fin: true });
  }
}

function frameBytes(frame: EventFrame | null | undefined): number {
  if (frame === null || frame === undefined) return 0;
  if (typeof frame === 'string') return frame.length;
  return frame.reduce((n, { head, body }) => n + head.length + body.length, 0);
}

function sizeOf(event: BufferedEvent): number {
  return frameBytes(event.frame) + frameBytes(event.observerFrame);
}

/**
 * Image frames kept in memory, full and observer copies together. At 20 images/s of 512 KB
 * each with an observer copy (bench/load) that is the last second or two of images: those
 * still being written to slower sockets, and what a link that blinked asks for again. Older
 * image events are rebuilt from the exam image store's spool on a resume, so more memory
 * would buy nothing, while the gateway must not grow by more than a tenth of its ~180 MB.
 */
export const IMAGE_FRAME_BYTES = 16 * 1024 * 1024;
/**
 * At most this much of image frames is rebuilt from the spool for one resume (read, then queued
 * on that one socket at once, as the replay is sent in one go); a longer gap gets a fresh
 * snapshot, and the workstation fetches what it misses from the exam catalogue, paced
 * (gateway/server/catch-up-sender.ts). 64 MB: half a minute of images at 2 MB/s.
 */
const REPLAY_REBUILD_BYTES = 64 * 1024 * 1024;

/** Where an image event's bytes are read back once its frame has left memory: the exam image store's spool (gateway/images/exam-image-store.ts). */
export interface ImageSource {
  /** Whether the image published as `header` (its `seq`) is still held. */
  holds(header: ImageFrameHeader): boolean;
  /** The Part 10 bytes of the image published as `header` (its `seq`), or null when no longer held. */
  part10(header: ImageFrameHeader): Uint8Array | null;
  /** What observers may get of it: its de-identified copy, null when withheld from observers or no longer held. */
  observerPart10(header: ImageFrameHeader): Uint8Array | null;
  /** Whether its observer copy is still to be made: observerPart10 then de-identifies it first. */
  observerCopyDue(header: ImageFrameHeader): boolean;
}

/** One numbered event as the buffer keeps it: an image event's frames leave memory (`event` null) long before its number does. */
interface Slot {
  seq: number;
  event: BufferedEvent | null;
  /** An image event's header: what its frame is rebuilt from. */
  image?: ImageFrameHeader;
  /** Frame bytes held in memory for this event (0 once released). */
  held: number;
  /** An image's Part 10 size, what a rebuild reads. */
  imageBytes: number;
}

/**
 * The gateway's recent events, JSON and image alike, numbered from 1 for the life of the
 * process, kept so that a workstation that reconnects can resume from the last number it saw
 * (docs/architecture.md "Wire protocol"). A gap older than the buffer holds gets a fresh snapshot instead.
 *
 * Image frames stay in memory only within `maxImageBytes`: an older image event keeps its number
 * and header, and its frame is rebuilt from the exam image store's spool when a resume asks
 * for it. An image the store no longer holds cannot be replayed: that resume gets a fresh snapshot.
 */
export class EventBuffer {
  private readonly slots: Slot[] = [];
  /** The slots whose image frames are in memory, oldest first. */
  private readonly heldImages: Slot[] = [];
  private bytes = 0;
  private imageBytes = 0;
  private seq = 0;
  private redaction: ObserverRedaction | null = null;
  /** Events rebuilt for a replay whose images' observer copies were not made when rebuilt (observerCopiesDueBytes). */
  private readonly rebuiltCopiesDue = new WeakSet<BufferedEvent>();
  private source: ImageSource | null = null;
  private readonly rebuiltFrames = new RebuiltFrames();

  private readonly maxImageBytes: number;
  private readonly maxRebuildBytes: number;
  private readonly maxMessageBytes: number;

  /**
   * `maxBytes` bounds the frames held in memory, JSON and image alike; `limits.imageBytes` the
   * image frames among them (older ones are rebuilt from the ImageSource); `limits.rebuildBytes`
   * what one resume may rebuild (beyond, it gets a fresh snapshot); `limits.messageBytes` one
   * JSON event (link-limits.ts `sendMessageBytes`).
   */
  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
    limits: { imageBytes?: number; rebuildBytes?: number; messageBytes?: number } = {},
  ) {
    this.maxImageBytes = limits.imageBytes ?? IMAGE_FRAME_BYTES;
    this.maxRebuildBytes = limits.rebuildBytes ?? REPLAY_REBUILD_BYTES;
    this.maxMessageBytes = limits.messageBytes ?? MAX_FRAME_BYTES;
  }

  /** From now on, keep an observer's version of every event beside the full one. */
  redactForObservers(redaction: ObserverRedaction | null): void {
    this.redaction = redaction;
  }

  /** Where image frames no longer in memory are rebuilt from on a resume; none: such a resume gets a fresh snapshot. */
  rebuildImagesFrom(source: ImageSource | null): void {
    this.source = source;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Number and keep one JSON event. One larger than a client accepts is refused
   * (ErrorCode.MESSAGE_UNDELIVERABLE) and takes no number: kept, it would be replayed to every
   * resume and close each link again (docs/architecture.md "Wire protocol").
   */
  append(body: GatewayEventBody): BufferedEvent {
    const message: EventMessage = { type: 'event', seq: this.seq + 1, at: new Date().toISOString(), body };
    const event: BufferedEvent = { seq: message.seq, frame: this.fitting(JSON.stringify(message), body.kind) };
    const observerBody = this.redaction?.body(body) ?? body;
    // Serialised a second time only when the redaction changed something (chat, marks, plans... pass as they are).
    if (observerBody !== body) event.observerFrame = this.fitting(JSON.stringify({ ...message, body: observerBody }), body.kind);
    this.seq = message.seq;
    this.keep({ seq: event.seq, event, held: sizeOf(event), imageBytes: 0 });
    return event;
  }

  private fitting(frame: string, kind: string): string {
    const over = bytesOver(frame, this.maxMessageBytes);
    if (over !== null)
      throw new LarmorError(ErrorCode.MESSAGE_UNDELIVERABLE, `a ${kind} event of ${over} bytes is over the ${this.maxMessageBytes}-byte limit`);
    return frame;
  }

  appendImage(header: Omit<ImageFrameHeader, 'seq' | 'at'>, part10: Uint8Array): BufferedEvent {
    const full = { ...header, seq: ++this.seq, at: new Date().toISOString() };
    // Below the WebSocket frame limit whatever the image's size: a resume can always deliver it.
    const frame = imageFrame(full, part10);
    const image: NonNullable<BufferedEvent['image']> = { header: full, part10 };
    const event: BufferedEvent = { seq: full.seq, frame, image };
    const slot: Slot = { seq: full.seq, event, image: full, held: sizeOf(event), imageBytes: part10.length };
    const redaction = this.redaction;
    if (redaction) {
      // Made from the bytes this event holds, and counted in the buffer's bytes while it holds them.
      // De-identify the whole object first, then chunk it: every observer chunk carries
      // de-identified bytes.
      event.observerCopy = () => {
        const observerPart10 = redaction.part10(image.part10, full);
        event.observerFrame = observerPart10 === null ? null : imageFrame(full, observerPart10);
        image.observerPart10 = observerPart10;
        this.grew(slot, frameBytes(event.observerFrame));
      };
    }
    this.keep(slot);
    return event;
  }

  /** Bytes of the frames held in memory (full and observer copies): the figure the byte budgets bound. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Bytes of the image frames held in memory, within `maxImageBytes`. */
  get heldImageBytes(): number {
    return this.imageBytes;
  }

  /**
   * The bytes of the images among `events` (from since()) whose observer copies are still to be
   * made: what sending them to an observer would de-identify at once (frameFor). A rebuilt
   * image whose copy the spool holds costs a read only.
   */
  observerCopiesDueBytes(events: readonly BufferedEvent[]): number {
    let bytes = 0;
    for (const event of events) {
      if (event.observerCopy && (event.image !== undefined || this.rebuiltCopiesDue.has(event))) bytes += frameBytes(event.frame);
    }
    return bytes;
  }

  /**
   * Events after `seq`, or undefined when some of them can no longer be delivered: no longer
   * kept, an image the exam image store no longer holds, or more image bytes to rebuild than
   * one resume may take. Image frames not in memory are rebuilt now, all or none.
   */
  since(seq: number): BufferedEvent[] | undefined {
    if (seq >= this.seq) return [];
    const oldest = this.slots[0]?.seq ?? this.seq + 1;
    if (seq + 1 < oldest) return undefined;
    const slots = this.slots.filter((s) => s.seq > seq);
    const toRebuild = slots.filter((s) => s.event === null).reduce((n, s) => n + s.imageBytes, 0);
    if (toRebuild > this.maxRebuildBytes) return undefined;
    const events: BufferedEvent[] = [];
    for (const slot of slots) {
      const event = slot.event ?? this.rebuilt(slot.image!);
      if (!event) return undefined;
      events.push(event);
    }
    return events;
  }

  /**
   * A released image event made again from the spool, for one replay. Observers get the
   * store's observer copy (made there when not made yet), never a frame of the full bytes.
   */
  private rebuilt(header: ImageFrameHeader): BufferedEvent | undefined {
    const source = this.source;
    if (!source?.holds(header)) return undefined;
    const frame = this.rebuiltFrames.frame(`${header.seq}`, () => source.part10(header), header);
    if (frame === null) return undefined;
    const event: BufferedEvent = { seq: header.seq, frame };
    if (this.redaction) {
      if (source.observerCopyDue(header)) this.rebuiltCopiesDue.add(event);
      event.observerCopy = () => {
        event.observerFrame = this.rebuiltFrames.frame(`${header.seq} observer`, () => source.observerPart10(header), header);
      };
    }
    return event;
  }

  private keep(slot: Slot): void {
    this.slots.push(slot);
    this.bytes += slot.held;
    if (slot.image) {
      this.heldImages.push(slot);
      this.imageBytes += slot.held;
    }
    this.trim();
  }

  /** An event's observer copy was made: counted while the event's frames are held. */
  private grew(slot: Slot, bytes: number): void {
    if (slot.event === null) return;
    slot.held += bytes;
    this.bytes += bytes;
    if (slot.image) this.imageBytes += bytes;
    this.trim();
  }

  private trim(): void {
    while (this.imageBytes > this.maxImageBytes && this.heldImages.length > 0) this.release(this.heldImages[0]!);
    while (this.slots.length > this.maxEvents || (this.bytes > this.maxBytes && this.slots.length > 1)) this.release(this.slots.shift()!);
  }

  /** An event's frames leave memory; an image event's number and header stay while its slot does. */
  private release(slot: Slot): void {
    if (slot.event === null) return;
    slot.event = null;
    this.bytes -= slot.held;
    if (slot.image) {
      this.imageBytes -= slot.held;
      this.heldImages.splice(this.heldImages.indexOf(slot), 1);
    }
    slot.held = 0;
  }
}

/** An image event's frame: its binary messages. */
type ImageEventFrame = readonly ImageFrameParts[];

/**
 * Frames rebuilt from the spool for replays, kept by weak reference: while something still holds
 * one (a socket's send queue: ws sends a server's frame without copying it), a resume at the same
 * time gets that one instead of reading its own copy. When every link drops at once (the
 * gateway's network blinks), all resume together; each would otherwise hold its own copy of the
 * same images.
 */
class RebuiltFrames {
  private readonly frames = new Map<string, WeakRef<ImageEventFrame>>();
  private readonly collected = new FinalizationRegistry<string>((key) => {
    if (this.frames.get(key)?.deref() === undefined) this.frames.delete(key);
  });

  /** The frame under `key` while it lives, else made from `read` (null: nothing to send). */
  frame(key: string, read: () => Uint8Array | null, header: ImageFrameHeader): ImageEventFrame | null {
    const kept = this.frames.get(key)?.deref();
    if (kept) return kept;
    const part10 = read();
    if (part10 === null) return null;
    const frame = imageFrame(header, part10);
    this.frames.set(key, new WeakRef(frame));
    this.collected.register(frame, key);
    return frame;
  }
}

function imageFrame(header: ImageFrameHeader, part10: Uint8Array): ImageEventFrame {
  return imageFrameParts(header, part10);
}
