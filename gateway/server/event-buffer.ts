import { encodeImageFrame, type EventMessage, type GatewayEventBody, type ImageFrameHeader } from '../../protocol/index.js';

/** One numbered event, serialised once and sent as is to every client (and on replay). */
export interface BufferedEvent {
  seq: number;
  frame: string | Uint8Array;
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

  constructor(private readonly maxEvents: number, private readonly maxBytes: number) {}

  get lastSeq(): number {
    return this.seq;
  }

  append(body: GatewayEventBody): BufferedEvent {
    const message: EventMessage = { type: 'event', seq: ++this.seq, at: new Date().toISOString(), body };
    return this.keep({ seq: message.seq, frame: JSON.stringify(message) });
  }

  appendImage(header: Omit<ImageFrameHeader, 'seq' | 'at'>, part10: Uint8Array): BufferedEvent {
    const seq = ++this.seq;
    return this.keep({ seq, frame: encodeImageFrame({ ...header, seq, at: new Date().toISOString() }, part10) });
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
    this.bytes += event.frame.length;
    while (this.events.length > this.maxEvents || (this.bytes > this.maxBytes && this.events.length > 1)) {
      this.bytes -= this.events.shift()!.frame.length;
    }
    return event;
  }
}
