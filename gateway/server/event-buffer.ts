import type { WebSocket } from 'ws';
import { encodeImageFrameChunks, type EventMessage, type GatewayEventBody, type ImageFrameHeader } from '../../protocol/index.js';

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
   * An image event's Part 10 bytes as views into its frames (the original bytes when chunked),
   * so the exam image store (gateway/images/exam-image-store.ts) holds the same memory, not a copy.
   * `observerPart10` is set when the observer copy is made: null when withheld from observers.
   */
  image?: { header: ImageFrameHeader; part10: Uint8Array; observerPart10?: Uint8Array | null };
}

/** One event as it goes on the wire: a JSON text, one binary message, or an image's chunks. */
export type EventFrame = string | Uint8Array | readonly Uint8Array[];

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
  if (typeof frame === 'string' || frame instanceof Uint8Array) {
    ws.send(frame);
    return;
  }
  for (const chunk of frame) ws.send(chunk);
}

function frameBytes(frame: EventFrame | null | undefined): number {
  if (frame === null || frame === undefined) return 0;
  if (typeof frame === 'string' || frame instanceof Uint8Array) return frame.length;
  return frame.reduce((n, chunk) => n + chunk.length, 0);
}

function sizeOf(event: BufferedEvent): number {
  return frameBytes(event.frame) + frameBytes(event.observerFrame);
}

/**
 * The gateway's recent events, JSON and image alike, numbered from 1 for the life of the
 * process, kept so that a workstation that reconnects can resume from the last number it saw
 * (docs/architecture.md "Wire protocol"). A gap older than the buffer holds gets a fresh snapshot instead.
 */
export class EventBuffer {
  private readonly events: BufferedEvent[] = [];
  private bytes = 0;
  private seq = 0;
  private redaction: ObserverRedaction | null = null;

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
  ) {}

  /** From now on, keep an observer's version of every event beside the full one. */
  redactForObservers(redaction: ObserverRedaction | null): void {
    this.redaction = redaction;
  }

  get lastSeq(): number {
    return this.seq;
  }

  append(body: GatewayEventBody): BufferedEvent {
    const message: EventMessage = { type: 'event', seq: ++this.seq, at: new Date().toISOString(), body };
    const event: BufferedEvent = { seq: message.seq, frame: JSON.stringify(message) };
    const observerBody = this.redaction?.body(body) ?? body;
    // Serialised a second time only when the redaction changed something (chat, marks, plans... pass as they are).
    if (observerBody !== body) event.observerFrame = JSON.stringify({ ...message, body: observerBody });
    return this.keep(event);
  }

  appendImage(header: Omit<ImageFrameHeader, 'seq' | 'at'>, part10: Uint8Array): BufferedEvent {
    const full = { ...header, seq: ++this.seq, at: new Date().toISOString() };
    // Below the WebSocket frame limit whatever the image's size: a resume can always deliver it.
    const frame = imageFrame(full, part10);
    const image: NonNullable<BufferedEvent['image']> = { header: full, part10: heldPart10(frame, part10) };
    const event: BufferedEvent = { seq: full.seq, frame, image };
    const redaction = this.redaction;
    if (redaction) {
      // Made from the bytes this event holds, and counted in the buffer's bytes from then on.
      // De-identify the whole object first, then chunk it: every observer chunk carries
      // de-identified bytes.
      event.observerCopy = () => {
        const observerPart10 = redaction.part10(image.part10, full);
        event.observerFrame = observerPart10 === null ? null : imageFrame(full, observerPart10);
        image.observerPart10 = observerPart10 === null || event.observerFrame === null ? null : heldPart10(event.observerFrame, observerPart10);
        this.grew(event, frameBytes(event.observerFrame));
      };
    }
    return this.keep(event);
  }

  /** Bytes of the frames held (full and observer copies): the figure the byte budget bounds. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Events after `seq`, or undefined when some of them are no longer kept. */
  since(seq: number): BufferedEvent[] | undefined {
    if (seq >= this.seq) return [];
    const oldest = this.events[0]?.seq ?? this.seq + 1;
    if (seq + 1 < oldest) return undefined;
    return this.events.filter((e) => e.seq > seq);
  }

  private keep(event: BufferedEvent): BufferedEvent {
    this.events.push(event);
    this.bytes += sizeOf(event);
    this.trim();
    return event;
  }

  /** An event's observer copy was made: counted while the event is held (events leave oldest first). */
  private grew(event: BufferedEvent, bytes: number): void {
    if (this.events.length === 0 || event.seq < this.events[0]!.seq) return;
    this.bytes += bytes;
    this.trim();
  }

  private trim(): void {
    while (this.events.length > this.maxEvents || (this.bytes > this.maxBytes && this.events.length > 1)) {
      this.bytes -= sizeOf(this.events.shift()!);
    }
  }
}

function imageFrame(header: ImageFrameHeader, part10: Uint8Array): EventFrame {
  const chunks = encodeImageFrameChunks(header, part10);
  return chunks.length === 1 ? chunks[0]! : chunks;
}

/** The Part 10 bytes inside a one-message frame (its tail), or the given bytes when it was chunked. */
function heldPart10(frame: EventFrame, part10: Uint8Array): Uint8Array {
  return frame instanceof Uint8Array ? frame.subarray(frame.length - part10.length) : part10;
}
