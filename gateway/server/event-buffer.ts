import { encodeImageFrame, type EventMessage, type GatewayEventBody, type ImageFrameHeader } from '../../protocol/index.js';

/** One numbered event, serialised once and sent as is to every client (and on replay). */
export interface BufferedEvent {
  seq: number;
  frame: string | Uint8Array;
  /**
   * What observer sessions get instead, when the site removes patient identifiers for them
   * (observer PHI policy "none"); null when the event must not reach them at all (an image
   * that could not be de-identified). Absent: observers get `frame`.
   */
  observerFrame?: string | Uint8Array | null;
}

/** How an event is made fit for observers; computed once per event, like the frame itself. */
export interface ObserverRedaction {
  body(body: GatewayEventBody): GatewayEventBody;
  part10(part10: Uint8Array): Uint8Array | null;
}

/** The frame one session gets for an event: null means it gets nothing. */
export function frameFor(role: string | null, event: BufferedEvent): string | Uint8Array | null {
  return role === 'observer' && event.observerFrame !== undefined ? event.observerFrame : event.frame;
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

  constructor(private readonly maxEvents: number, private readonly maxBytes: number) {}

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
    if (this.redaction) event.observerFrame = JSON.stringify({ ...message, body: this.redaction.body(body) });
    return this.keep(event);
  }

  appendImage(header: Omit<ImageFrameHeader, 'seq' | 'at'>, part10: Uint8Array): BufferedEvent {
    const full = { ...header, seq: ++this.seq, at: new Date().toISOString() };
    const event: BufferedEvent = { seq: full.seq, frame: encodeImageFrame(full, part10) };
    if (this.redaction) {
      const observerPart10 = this.redaction.part10(part10);
      event.observerFrame = observerPart10 === null ? null : encodeImageFrame(full, observerPart10);
    }
    return this.keep(event);
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
    while (this.events.length > this.maxEvents || (this.bytes > this.maxBytes && this.events.length > 1)) {
      this.bytes -= sizeOf(this.events.shift()!);
    }
    return event;
  }
}

function sizeOf(event: BufferedEvent): number {
  return event.frame.length + (event.observerFrame?.length ?? 0);
}
