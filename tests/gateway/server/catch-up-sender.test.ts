import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { decodeImageFrame, encodeImageFrame, IMAGE_CHUNK_BYTES, type ImageFrameHeader } from '../../../protocol/index.js';
import { CatchUpSender } from '../../../gateway/server/catch-up-sender.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A real WebSocket pair on port 0: the gateway's end, and a client that records every message. */
async function socketPair(): Promise<{ server: WebSocket; client: WebSocket; received: Buffer[] }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { maxPayload: 64 * 1024 * 1024 });
  const received: Buffer[] = [];
  client.on('message', (data: Buffer) => received.push(data));
  await new Promise((resolve) => client.once('open', resolve));
  const server = await accepted;
  cleanups.push(() => {
    client.terminate();
    wss.close();
  });
  return { server, client, received };
}

const header = (seq: number): Omit<ImageFrameHeader, 'part' | 'fetched'> => ({
  seq,
  at: '2026-12-01T10:00:00.000Z',
  source: 'simulator',
  transferSyntaxUid: '1.2.840.10008.1.2.1',
  sopInstanceUid: `2.25.${seq}`,
  seriesUid: '2.25.0',
  imagesInSeries: null,
});
const turns = (n: number) => Array.from({ length: n }).reduce<Promise<void>>((p) => p.then(() => new Promise((r) => setImmediate(r))), Promise.resolve());

describe('CatchUpSender', () => {
  it('sends fetched images marked fetched, whole, with the seq they had live', async () => {
    const { server, received } = await socketPair();
    const sender = new CatchUpSender(server);
    const big = new Uint8Array(2 * IMAGE_CHUNK_BYTES + 1024).fill(7); // three chunks
    sender.enqueue([
      { header: header(3), part10: new Uint8Array([1, 2, 3]) },
      { header: header(4), part10: big },
    ]);
    await expect.poll(() => received.length).toBe(4);
    const frames = received.map((b) => decodeImageFrame(new Uint8Array(b)));
    expect(frames.map((f) => [f.header.seq, f.header.fetched, f.header.part?.index ?? null])).toEqual([
      [3, true, null],
      [4, true, 0],
      [4, true, 1],
      [4, true, 2],
    ]);
    expect(Buffer.from(frames[0]!.part10)).toEqual(Buffer.from([1, 2, 3]));
    expect(frames.slice(1).reduce((n, f) => n + f.part10.length, 0)).toBe(big.length);
  });

  it('waits while the socket has more queued than its high-water mark, so live frames sent meanwhile go first', async () => {
    const { server, client, received } = await socketPair();
    // The workstation stops reading: what the gateway sends piles up in its send queue.
    (client as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const live = (seq: number, bytes: number) => server.send(encodeImageFrame({ ...header(seq) }, new Uint8Array(bytes)));
    for (let i = 1; server.bufferedAmount < 256 * 1024; i++) {
      live(100 + i, 1024 * 1024);
      await turns(1);
    }
    const sender = new CatchUpSender(server, 64 * 1024);
    sender.enqueue([
      { header: header(1), part10: new Uint8Array(10) },
      { header: header(2), part10: new Uint8Array(10) },
    ]);
    await turns(20);
    expect(sender.sentCount).toBe(0);
    live(999, 10); // a live image while the catch-up waits
    (client as unknown as { _socket: { resume(): void } })._socket.resume();
    await expect.poll(() => sender.sentCount, { timeout: 15_000 }).toBe(2);
    await expect
      .poll(() => received.map((b) => decodeImageFrame(new Uint8Array(b)).header).filter((h) => h.seq === 999 || h.fetched).length, { timeout: 15_000 })
      .toBe(3);
    const order = received
      .map((b) => decodeImageFrame(new Uint8Array(b)).header)
      .filter((h) => h.seq === 999 || h.fetched)
      .map((h) => h.seq);
    expect(order).toEqual([999, 1, 2]);
  });

  it('queues an image once however often it is asked for while it waits, and again once it has gone', async () => {
    const { server, client, received } = await socketPair();
    (client as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    for (let i = 1; server.bufferedAmount < 256 * 1024; i++) {
      server.send(encodeImageFrame({ ...header(100 + i) }, new Uint8Array(1024 * 1024)));
      await turns(1);
    }
    const sender = new CatchUpSender(server, 64 * 1024);
    const series = [1, 2, 3].map((seq) => ({ header: header(seq), part10: new Uint8Array(10) }));
    // A client that asks for the same series a thousand times and reads nothing.
    for (let i = 0; i < 1000; i++) sender.enqueue(series);
    expect(sender.pending).toBe(3);
    (client as unknown as { _socket: { resume(): void } })._socket.resume();
    await expect.poll(() => sender.sentCount, { timeout: 15_000 }).toBe(3);
    sender.enqueue(series.slice(0, 1)); // gone: asked for again, sent again
    await expect.poll(() => sender.sentCount).toBe(4);
    await expect.poll(() => received.filter((b) => decodeImageFrame(new Uint8Array(b)).header.fetched).length).toBe(4);
  });

  it('stops when closed and drops what is queued', async () => {
    const { server, received } = await socketPair();
    const sender = new CatchUpSender(server);
    sender.enqueue([
      { header: header(1), part10: new Uint8Array(10) },
      { header: header(2), part10: new Uint8Array(10) },
    ]);
    sender.close();
    await turns(5);
    expect(sender.pending).toBe(0);
    expect(received).toEqual([]);
  });
});
