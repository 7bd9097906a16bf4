import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ImageChunkAssembler, IMAGE_CHUNK_BYTES, decodeImageFrame, type ImageFrameHeader } from '../../../protocol/index.js';
import { EventBuffer, sendEvent } from '../../../gateway/server/event-buffer.js';

const header: Omit<ImageFrameHeader, 'seq' | 'at'> = {
  source: 'c-store',
  transferSyntaxUid: '1.2.840.10008.1.2.1',
  sopInstanceUid: '2.25.1',
  seriesUid: '2.25.2',
  imagesInSeries: null,
};
const NAME = Buffer.from('DOE^JANE');
const REDACTED = Buffer.from('XXXXXXXX');

/** An object above one chunk whose identifier sits in its first and in its last chunk. */
function largeObject(): Uint8Array {
  const bytes = new Uint8Array(IMAGE_CHUNK_BYTES * 2 + 1000);
  bytes.set(NAME, 10);
  bytes.set(NAME, bytes.length - 20);
  return bytes;
}

function replaceAll(bytes: Uint8Array, from: Buffer, to: Buffer): Uint8Array {
  const out = Buffer.from(bytes);
  for (let at = out.indexOf(from); at !== -1; at = out.indexOf(from, at + 1)) to.copy(out, at);
  return out;
}

/** What a session in `role` receives for the event, reassembled as the workstation does. */
function received(buffer: EventBuffer, role: string, part10: Uint8Array): { messages: Uint8Array[]; part10: Uint8Array | null } {
  const event = buffer.appendImage(header, part10);
  const messages: Uint8Array[] = [];
  sendEvent({ send: (m: Uint8Array) => messages.push(m) } as unknown as WebSocket, event, role);
  const assembler = new ImageChunkAssembler();
  let whole: Uint8Array | null = null;
  for (const m of messages) whole = assembler.add(m) ?? whole;
  return { messages, part10: whole === null ? null : decodeImageFrame(whole).part10 };
}

describe('the event buffer with chunked images and observer frames', () => {
  it('gives observers a chunked image de-identified in every chunk, and the full bytes to others', () => {
    const buffer = new EventBuffer(100, 256 * 1024 * 1024);
    buffer.redactForObservers({ body: (b) => b, part10: (p) => replaceAll(p, NAME, REDACTED) });
    const operator = received(buffer, 'operator', largeObject());
    expect(operator.messages.length).toBeGreaterThan(1);
    expect(Buffer.from(operator.part10!).indexOf(NAME)).not.toBe(-1);
    const observer = received(buffer, 'observer', largeObject());
    expect(observer.messages.length).toBeGreaterThan(1);
    for (const m of observer.messages) expect(Buffer.from(m).indexOf(NAME)).toBe(-1);
    expect(Buffer.from(observer.part10!).equals(Buffer.from(replaceAll(largeObject(), NAME, REDACTED)))).toBe(true);
  });

  it('sends observers nothing of an image that could not be de-identified', () => {
    const buffer = new EventBuffer(100, 256 * 1024 * 1024);
    buffer.redactForObservers({ body: (b) => b, part10: () => null });
    expect(received(buffer, 'observer', largeObject()).messages).toEqual([]);
  });
});

describe('the event buffer makes observer copies only when needed, and counts them', () => {
  const image = () => new Uint8Array(100_000).fill(7);
  function sendTo(role: string, event: ReturnType<EventBuffer['appendImage']>): Uint8Array[] {
    const messages: Uint8Array[] = [];
    sendEvent({ send: (m: Uint8Array) => messages.push(m) } as unknown as WebSocket, event, role);
    return messages;
  }

  it('de-identifies an image once, when the first observer gets it, not while only operators watch', () => {
    const buffer = new EventBuffer(100, 256 * 1024 * 1024);
    let copies = 0;
    buffer.redactForObservers({ body: (b) => b, part10: (p) => (copies++, p.slice()) });
    const event = buffer.appendImage(header, image());
    const fullBytes = buffer.heldBytes;
    sendTo('operator', event);
    expect(copies).toBe(0);
    expect(buffer.heldBytes).toBe(fullBytes);
    sendTo('observer', event);
    sendTo('observer', event);
    expect(copies).toBe(1);
    expect(buffer.heldBytes).toBe(2 * fullBytes);
  });

  it('keeps full and observer copies together within the byte budget, dropping the oldest events', () => {
    const probe = new EventBuffer(100, 256 * 1024 * 1024);
    probe.appendImage(header, image());
    const frameBytes = probe.heldBytes;
    const buffer = new EventBuffer(100, Math.floor(frameBytes * 3.5));
    buffer.redactForObservers({ body: (b) => b, part10: (p) => p.slice() });
    const events = [1, 2, 3].map(() => buffer.appendImage(header, image()));
    expect(buffer.since(0)).toHaveLength(3);
    for (const event of events) sendTo('observer', event);
    expect(buffer.heldBytes).toBeLessThanOrEqual(frameBytes * 3.5);
    expect(buffer.since(0)).toBeUndefined(); // the oldest went to make room for the copies
  });
});
