import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { ErrorCode, SUBPROTOCOL } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { AddressCounter } from '../../../base/common/address-counter.js';
import { MessageRate } from '../../../gateway/server/link-limits.js';
import { RawClient, startTestGateway } from '../../helpers/gateway.js';

let gateway: Gateway | undefined;
const sockets: WebSocket[] = [];
const raw: Socket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const socket of raw.splice(0)) socket.destroy();
  await gateway?.close();
  gateway = undefined;
});

function open(url: string): Promise<{ ws: WebSocket; messages: { type: string; code?: string }[]; closed: Promise<number> }> {
  const ws = new WebSocket(url, SUBPROTOCOL);
  sockets.push(ws);
  const messages: { type: string; code?: string }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('error', reject);
  });
}

describe('link limits (pure parts)', () => {
  it('a token bucket allows the burst, then the sustained rate', () => {
    const rate = new MessageRate(10, 3, 0);
    expect([rate.take(0), rate.take(0), rate.take(0), rate.take(0)]).toEqual([true, true, true, false]);
    expect(rate.take(100)).toBe(true); // 100 ms at 10/s: one more token
    expect(rate.take(100)).toBe(false);
  });

  it('counts connections per address and frees them', () => {
    const counter = new AddressCounter(2);
    expect([counter.admit('a'), counter.admit('a'), counter.admit('a'), counter.admit('b')]).toEqual([true, true, false, true]);
    counter.release('a');
    expect(counter.admit('a')).toBe(true);
  });
});

describe('link limits on a running gateway', () => {
  it('refuses messages over the per-connection rate with a code, and audits the flood as a few rows', async () => {
    gateway = await startTestGateway({ linkLimits: { messagesPerSecond: 50, messageBurst: 50 } });
    const { ws, messages } = await open(gateway.url);
    for (let i = 0; i < 500; i++) ws.send('not json');
    await expect.poll(() => messages.length).toBe(500);
    const codes = new Set(messages.map((m) => m.code));
    expect(codes).toEqual(new Set([ErrorCode.MALFORMED_JSON, ErrorCode.RATE_LIMITED]));
    expect(messages.filter((m) => m.code === ErrorCode.RATE_LIMITED).length).toBeGreaterThan(400);
    const rows = gateway.store.auditTrail().filter((r) => r.action === 'message');
    expect(rows.length).toBeLessThanOrEqual(2); // the first of each kind; the counts follow at the window's end
  });

  it('refuses a connection beyond the per-address limit with a code and keeps the others', async () => {
    gateway = await startTestGateway({ linkLimits: { connectionsPerAddress: 2 } });
    const a = await open(gateway.url);
    await open(gateway.url);
    const third = await open(gateway.url);
    expect(await third.closed).toBe(1008);
    expect(third.messages).toEqual([expect.objectContaining({ type: 'refused', code: ErrorCode.TOO_MANY_CONNECTIONS })]);
    a.ws.send(JSON.stringify({ type: 'ping', t: 1 }));
    await expect.poll(() => a.messages.some((m) => m.type === 'pong')).toBe(true);
  });

  it('cuts a client that stops reading once its unsent backlog passes the limit, audits it once, and keeps the others', async () => {
    gateway = await startTestGateway({ linkLimits: { sendBacklogBytes: 1024 * 1024 } });
    const stalled = await RawClient.greeted(gateway.url, 'observer', 'Observer One');
    const reading = await RawClient.greeted(gateway.url, 'observer', 'Observer Two');
    // It keeps pinging (so it is not dropped as silent), but takes nothing the gateway sends.
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const pinging = setInterval(() => stalled.sendJson({ type: 'ping', t: Date.now() }), 50);
    try {
      // 40 MB of events: past what the kernel's socket buffers hold, and past the 1 MB limit.
      for (let i = 0; i < 640 && !gateway.store.auditTrail().some((r) => r.code === ErrorCode.SEND_BACKLOG); i++) {
        gateway.notice('info', `${i} ${'x'.repeat(64 * 1024)}`);
        await new Promise((r) => setImmediate(r));
      }
      await expect.poll(() => gateway!.store.auditTrail().filter((r) => r.code === ErrorCode.SEND_BACKLOG).length).toBe(1);
      const row = gateway.store.auditTrail().find((r) => r.code === ErrorCode.SEND_BACKLOG)!;
      expect(row).toMatchObject({ action: 'link', decision: 'cut', actor: 'Observer One' });
      await expect.poll(() => gateway!.snapshot().participants.map((p) => p.name)).toEqual(['Observer Two']);
    } finally {
      clearInterval(pinging);
    }
    reading.sendJson({ type: 'ping', t: 1 });
    await reading.next((m) => m.type === 'pong');
  });

  it('closes TCP connections beyond the per-address limit before reading them, and a request whose headers never end', async () => {
    gateway = await startTestGateway({ linkLimits: { socketsPerAddress: 4, headersTimeoutMs: 500 } });
    // Slowloris: request lines and headers, never the blank line that ends them.
    const held = await Promise.all(Array.from({ length: 4 }, () => rawSocket(gateway!.port, 'GET /onsite HTTP/1.1\r\nHost: x\r\n')));
    const beyond = await Promise.all(Array.from({ length: 6 }, () => rawSocket(gateway!.port, '')));
    for (const { answer } of beyond) expect(await answer).toBe(''); // closed at once, nothing answered
    const refusals = () => gateway!.store.auditTrail().filter((r) => r.code === ErrorCode.TOO_MANY_CONNECTIONS);
    expect(refusals()).toHaveLength(1); // the first at once; the other five folded into its count at the window's end
    // The held ones are answered 408 and closed once their headers are late; then the address may connect again.
    for (const { answer } of held) expect(await answer).toMatch(/^HTTP\/1\.1 408/);
    const client = await open(gateway.url);
    client.ws.send(JSON.stringify({ type: 'ping', t: 1 }));
    await expect.poll(() => client.messages.some((m) => m.type === 'pong')).toBe(true);
  });

  it('closes TCP connections beyond the gateway-wide limit', async () => {
    gateway = await startTestGateway({ linkLimits: { maxSockets: 3 } });
    const held = await Promise.all(Array.from({ length: 3 }, () => rawSocket(gateway!.port, 'GET / HTTP/1.1\r\n')));
    const beyond = await rawSocket(gateway.port, '');
    expect(await beyond.answer).toBe('');
    expect(gateway.store.auditTrail().find((r) => r.code === ErrorCode.TOO_MANY_CONNECTIONS)?.detail).toMatchObject({
      reason: 'more than 3 open connections to the gateway',
    });
    for (const { socket } of held) socket.destroy();
    await expect.poll(async () => (await fetch(gateway!.onsiteUrl)).status).toBe(200);
  });
});

/** A TCP connection to the gateway's port that sends `text`; `answer` resolves with what came back once the gateway closes it. */
async function rawSocket(port: number, text: string): Promise<{ socket: Socket; answer: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  raw.push(socket);
  let received = '';
  socket.on('data', (data) => (received += data.toString()));
  socket.on('error', () => undefined); // a reset is a close too
  const answer = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  if (text) socket.write(text);
  return { socket, answer };
}
