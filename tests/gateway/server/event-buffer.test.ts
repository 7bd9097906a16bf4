import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ErrorCode, ImageChunkAssembler, IMAGE_CHUNK_BYTES, decodeImageFrame, type ImageFrameHeader } from '../../../protocol/index.js';
import { EventBuffer, frameFor, sendEvent, type BufferedEvent, type EventFrame } from '../../../gateway/server/event-buffer.js';
import { ExamImageStore } from '../../../gateway/images/exam-image-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

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
  // Fragments of one message (fin false until its last) are joined, as a WebSocket client does.
  const fragments: Uint8Array[] = [];
  const send = (m: Uint8Array, options?: { fin?: boolean }) => {
    fragments.push(m);
    if (options?.fin === false) return;
    messages.push(Buffer.concat(fragments));
    fragments.length = 0;
  };
  sendEvent({ send } as unknown as WebSocket, event, role);
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

describe('the event buffer keeps image frames in memory within a budget, and rebuilds older ones from the spool', () => {
  const image = (n: number) => new Uint8Array(100_000).fill(n);
  /** The exam image store's spool (real files) as the gateway's ExamImagesDesk offers it. */
  function spoolFor(buffer: EventBuffer, observerCopy?: (p: Uint8Array) => Uint8Array | null): ExamImageStore {
    const store = new ExamImageStore(64 * 1024 * 1024, join(tempDir(), 'exam-images'), { observerCopy: observerCopy && ((p) => observerCopy(p)) });
    const held = (h: ImageFrameHeader) => store.heldAs(h.sopInstanceUid, h.seq);
    buffer.rebuildImagesFrom({
      holds: (h) => held(h) !== undefined,
      part10: (h) => (held(h) ? store.part10(held(h)!) : null),
      observerPart10: (h) => (held(h) ? store.observerPart10(held(h)!) : null),
      observerCopyDue: (h) => held(h) !== undefined && store.needsObserverCopy(held(h)!),
    });
    return store;
  }
  function publish(buffer: EventBuffer, store: ExamImageStore, n: number): BufferedEvent {
    const event = buffer.appendImage({ ...header, sopInstanceUid: `2.25.1.${n}` }, image(n));
    store.add(event.image!);
    return event;
  }
  const bytesOf = (frame: EventFrame | null | undefined) => (frame && typeof frame !== 'string' && frame.length === 1 ? frame[0]!.body : null);

  it('holds at most the budget of image frames, and a resume from before them all still gets every image, in order', () => {
    const buffer = new EventBuffer(1000, 256 * 1024 * 1024, { imageBytes: 350_000 });
    const store = spoolFor(buffer);
    buffer.append({ kind: 'notice', level: 'info', text: 'before' });
    for (let n = 1; n <= 10; n++) publish(buffer, store, n);
    expect(buffer.heldImageBytes).toBeLessThanOrEqual(350_000);
    const replay = buffer.since(0)!;
    expect(replay.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(typeof replay[0]!.frame).toBe('string');
    for (const [i, event] of replay.slice(1).entries()) expect([...bytesOf(event.frame)!.subarray(0, 3)]).toEqual([i + 1, i + 1, i + 1]);
  });

  it("gives observers the spool's de-identified copy of a rebuilt image, and nothing of a withheld one", () => {
    const buffer = new EventBuffer(1000, 256 * 1024 * 1024, { imageBytes: 150_000 });
    const redact = (p: Uint8Array) => (p[0] === 2 ? null : p.map(() => 9));
    buffer.redactForObservers({ body: (b) => b, part10: redact });
    const store = spoolFor(buffer, redact);
    for (let n = 1; n <= 4; n++) publish(buffer, store, n);
    const observer = buffer.since(0)!.map((e) => bytesOf(frameFor('observer', e)));
    expect(observer.map((p) => (p === null ? null : p[0]))).toEqual([9, null, 9, 9]);
  });

  it('counts the bytes a replay to an observer would de-identify at once: images in memory or rebuilt whose copies were never made', () => {
    const buffer = new EventBuffer(1000, 256 * 1024 * 1024, { imageBytes: 150_000 });
    const store = spoolFor(buffer, (p) => p.map(() => 9));
    // As the gateway does: a live frame's copy is the store's, made once (ExamImageStore.observerCopyOf).
    buffer.redactForObservers({ body: (b) => b, part10: (p, h) => store.observerCopyOf(h, p) });
    for (let n = 1; n <= 4; n++) publish(buffer, store, n);
    // Counted in whole images of 100,000 bytes (each frame has its head besides).
    const images = () => Math.floor(buffer.observerCopiesDueBytes(buffer.since(0)!) / 100_000);
    expect(images()).toBe(4); // 1-3 rebuilt, 4 in memory
    // An observer got image 2 and 4: their copies are made (2's in the spool), a replay reads them.
    frameFor('observer', buffer.since(1)![0]!);
    frameFor('observer', buffer.since(3)![0]!);
    expect(images()).toBe(2);
  });

  it('rebuilds an image event from a later copy of the same SOP Instance when the image was sent again', () => {
    const buffer = new EventBuffer(1000, 256 * 1024 * 1024, { imageBytes: 150_000 });
    const store = spoolFor(buffer);
    for (const n of [1, 2, 3, 1]) publish(buffer, store, n);
    const replay = buffer.since(0)!;
    expect(replay.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(replay.map((e) => bytesOf(e.frame)![0])).toEqual([1, 2, 3, 1]);
  });

  it('resumes at the same time share the frames rebuilt for them, not a copy each', () => {
    const buffer = new EventBuffer(1000, 256 * 1024 * 1024, { imageBytes: 150_000 });
    const store = spoolFor(buffer);
    for (let n = 1; n <= 3; n++) publish(buffer, store, n);
    const first = buffer.since(0)!;
    const second = buffer.since(0)!;
    expect(second[0]!.frame).toBe(first[0]!.frame);
    expect(second[1]!.frame).toBe(first[1]!.frame);
  });

  it('a resume across an image the store no longer holds, or across more than one resume may rebuild, gets a fresh snapshot', () => {
    const buffer = new EventBuffer(1000, 256 * 1024 * 1024, { imageBytes: 150_000, rebuildBytes: 250_000 });
    const store = spoolFor(buffer);
    for (let n = 1; n <= 4; n++) publish(buffer, store, n);
    expect(buffer.since(1)).toHaveLength(3); // 2 and 3 rebuilt, 4 in memory: within what one resume may rebuild
    expect(buffer.since(0)).toBeUndefined(); // 1, 2 and 3 rebuilt: more than one resume may
    store.openExam('2.25.99'); // another exam: the images are no longer held
    expect(buffer.since(1)).toBeUndefined();
    expect(buffer.since(3)).toHaveLength(1); // still in memory
  });
});

describe('JSON events larger than a client accepts', () => {
  it('refuses one with a code and gives it no number, so no resume replays it', () => {
    const buffer = new EventBuffer(100, 256 * 1024 * 1024, { messageBytes: 1000 });
    const first = buffer.append({ kind: 'notice', level: 'info', text: 'fits' });
    expect(() => buffer.append({ kind: 'notice', level: 'info', text: 'x'.repeat(1000) })).toThrow(
      expect.objectContaining({ code: ErrorCode.MESSAGE_UNDELIVERABLE }),
    );
    expect(buffer.lastSeq).toBe(first.seq);
    expect(buffer.append({ kind: 'notice', level: 'info', text: 'next' }).seq).toBe(first.seq + 1);
    expect(buffer.since(0)!.map((e) => e.seq)).toEqual([first.seq, first.seq + 1]);
  });

  it('counts the UTF-8 bytes that go on the wire, not the characters', () => {
    const buffer = new EventBuffer(100, 256 * 1024 * 1024, { messageBytes: 1000 });
    // 300 characters of 3 bytes each: 900 bytes of text, over the limit with the envelope, where 300 characters are not.
    expect(() => buffer.append({ kind: 'notice', level: 'info', text: '€'.repeat(300) })).toThrow(
      expect.objectContaining({ code: ErrorCode.MESSAGE_UNDELIVERABLE }),
    );
    expect(buffer.append({ kind: 'notice', level: 'info', text: 'x'.repeat(300) }).seq).toBe(1);
  });

  it("refuses an event whose observers' copy alone is too large", () => {
    const buffer = new EventBuffer(100, 256 * 1024 * 1024, { messageBytes: 1000 });
    buffer.redactForObservers({ body: (b) => (b.kind === 'notice' ? { ...b, text: b.text.repeat(10) } : b), part10: (p) => p });
    expect(() => buffer.append({ kind: 'notice', level: 'info', text: 'y'.repeat(200) })).toThrow(
      expect.objectContaining({ code: ErrorCode.MESSAGE_UNDELIVERABLE }),
    );
    expect(buffer.lastSeq).toBe(0);
  });
});
