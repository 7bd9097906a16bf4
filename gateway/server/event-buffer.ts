import type { WebSocket } from 'ws';
import { encodeImageFrameChunks, type EventMessage, type GatewayEventBody, type ImageFrameHeader } from '../../protocol/index.js';

/** One numbered event, serialised once and sent as is to every client (and on replay). */
export interface BufferedEvent {
  seq: number;
  /** A JSON event, an image in one binary message, or an image in chunks sent back to back. */
  frame: string | Uint8Array | readonly Uint8Array[];
}

/** Send one buffered event: its chunks back to back, so no other message comes between them. */
export function sendEvent(ws: WebSocket, event: BufferedEvent): void {
  if (typeof event.frame === 'string' || event.frame instanceof Uint8Array) {
    ws.send(event.frame);
    return;
  }
  for (const chunk of event.frame) ws.send(chunk);
}

function eventBytes(event: BufferedEvent): number {
  if (typeof event.frame === 'string' || event.frame instanceof Uint8Array) return event.frame.length;
  return event.frame.reduce((n, chunk) => n + chunk.length, 0);
}

/**
 * The gateway's recent events, JSON and image alike, numbered from 1 for the life of the
 * process, kept so that a workstation that reconnects can resume from the last number it saw
 * (DESIGN.md "Wire protocol"). A gap older than the buffer holds gets a fresh snapshot instead.
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
    // Below the WebSocket frame limit whatever the image's size: a resume can always deliver it.
    const chunks = encodeImageFrameChunks({ ...header, seq, at: new Date().toISOString() }, part10);
    return this.keep({ seq, frame: chunks.length === 1 ? chunks[0]! : chunks });
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
    this.bytes += eventBytes(event);
    while (this.events.length > this.maxEvents || (this.bytes > this.maxBytes && this.events.length > 1)) {
      this.bytes -= eventBytes(this.events.shift()!);
    }
    return event;
  }
}
