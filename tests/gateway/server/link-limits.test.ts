import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { WebSocket } from 'ws';
import { ErrorCode, PROTOCOL_VERSION, SUBPROTOCOL } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { MessageRate } from '../../../gateway/server/link-limits.js';
import { RawClient, startTestGateway } from '../../helpers/gateway.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { selfSignedCertificate } from '../../helpers/certificates.js';
import { mrImage } from '../../helpers/mr-images.js';

let gateway: Gateway | undefined;
const sockets: WebSocket[] = [];
const raw: Socket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const socket of raw.splice(0)) socket.destroy();
  await gateway?.close();
  gateway = undefined;
});

/**
 * A WebSocket client that never answers a close (RFC 6455 5.5.1) and goes on sending: the peer a
 * refusal must not wait for. Its frames are masked text frames of under 64 KiB.
 */
async function deafClient(url: string): Promise<{ send(text: string): void; sendRaw(bytes: Buffer): void }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  raw.push(socket);
  await once(socket, 'connect');
  socket.write(
    `GET / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${SUBPROTOCOL}\r\n\r\n`,
  );
  await new Promise<void>((resolve) => {
    let head = '';
    const onData = (data: Buffer) => {
      head += data.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      resolve();
    };
    socket.on('data', onData);
  });
  socket.on('data', () => undefined); // read, the close frame too, and never answered
  socket.on('error', () => undefined);
  return {
    send(text) {
      const payload = Buffer.from(text);
      const mask = randomBytes(4);
      const head =
        payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
      if (!socket.destroyed) socket.write(Buffer.concat([head, mask, payload.map((byte, i) => byte ^ mask[i % 4]!)]));
    },
    sendRaw(bytes) {
      if (!socket.destroyed) socket.write(bytes);
    },
  };
}

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

/** Raw clients send no heartbeat of their own: these ping every `everyMs`, so none is dropped as silent. */
function keepPinging(clients: RawClient[], everyMs: number): ReturnType<typeof setInterval> {
  return setInterval(() => {
    for (const client of clients) client.sendJson({ type: 'ping', t: Date.now() });
  }, everyMs);
}

/** A client on a slow link: its socket is read for one turn of the event loop every `everyMs`, and is otherwise paused. */
function readSlowly(client: RawClient, everyMs: number): ReturnType<typeof setInterval> {
  const socket = (client.ws as unknown as { _socket: Socket })._socket;
  socket.pause();
  return setInterval(() => {
    socket.resume();
    setImmediate(() => socket.pause());
  }, everyMs);
}

/** 8 MB of noise (a 2048 x 2048 MR image), published as a scanner's C-STORE would be. */
function publishLargeImage(gateway: Gateway, sopInstanceUid: string): void {
  gateway.publishImage(
    { source: 'c-store', transferSyntaxUid: '1.2.840.10008.1.2.1', sopInstanceUid, seriesUid: '2.25.1.1', imagesInSeries: null },
    mrImage(1, 1, { rows: 2048, columns: 2048, noise: true }),
  );
}

describe('link limits (pure parts)', () => {
  it('a token bucket allows the burst, then the sustained rate', () => {
    const rate = new MessageRate(10, 3, 0);
    expect([rate.take(0), rate.take(0), rate.take(0), rate.take(0)]).toEqual([true, true, true, false]);
    expect(rate.take(100)).toBe(true); // 100 ms at 10/s: one more token
    expect(rate.take(100)).toBe(false);
  });
});

describe('link limits on a running gateway', () => {
  it('drops messages over the per-connection rate, says so once, cuts a client that keeps on, and audits the flood as a few rows', async () => {
    // One message a second: the bucket does not refill while the flood is read.
    gateway = await startTestGateway({ linkLimits: { messagesPerSecond: 1, messageBurst: 50 } });
    const { ws, messages, closed } = await open(gateway.url);
    for (let i = 0; i < 500; i++) ws.send('not json');
    expect(await closed).toBe(1008);
    // The burst answered, one word on the rate, then the refusal: not a reply for every message a
    // peer that never reads would have the gateway queue.
    expect(messages.filter((m) => m.code === ErrorCode.MALFORMED_JSON)).toHaveLength(50);
    expect(messages.filter((m) => m.type === 'error' && m.code === ErrorCode.RATE_LIMITED)).toHaveLength(1);
    expect(messages.at(-1)).toMatchObject({ type: 'refused', code: ErrorCode.RATE_LIMITED });
    expect(messages.length).toBe(52);
    const rows = gateway.store.auditTrail().filter((r) => r.action === 'message');
    expect(rows.length).toBeLessThanOrEqual(4); // the first of each kind, and each count when the session closed
  });

  it("reads one message of a client per turn of the event loop, so a burst from one cannot hold the others' behind it", async () => {
    gateway = await startTestGateway({ linkLimits: { messagesPerSecond: 100_000, messageBurst: 100_000 } });
    // How many messages of one session the gateway handles before its event loop turns again.
    const internals = gateway as unknown as { receive(session: { id: string }, text: string): void };
    const receive = internals.receive.bind(gateway);
    const inTurn = new Map<string, number>();
    let most = 0;
    vi.spyOn(internals, 'receive').mockImplementation((session, text) => {
      if (inTurn.size === 0) setImmediate(() => inTurn.clear());
      const count = (inTurn.get(session.id) ?? 0) + 1;
      inTurn.set(session.id, count);
      most = Math.max(most, count);
      receive(session, text);
    });
    const flooder = await open(gateway.url);
    const bystander = await open(gateway.url);
    // 2,000 pings of some 30 bytes each reach the gateway in a few reads of its socket.
    for (let i = 0; i < 2_000; i++) flooder.ws.send(JSON.stringify({ type: 'ping', t: i }));
    bystander.ws.send(JSON.stringify({ type: 'ping', t: 0 }));
    await vi.waitFor(() => expect(flooder.messages.filter((m) => m.type === 'pong')).toHaveLength(2_000), { timeout: 30_000 });
    expect(bystander.messages.filter((m) => m.type === 'pong')).toHaveLength(1);
    expect(most).toBe(1);
  });

  it('cuts a flood over the rate even while the rate lets some of its messages through', async () => {
    gateway = await startTestGateway({ linkLimits: { messagesPerSecond: 50, messageBurst: 50 } });
    const { ws, messages, closed } = await open(gateway.url);
    let open_ = true;
    void closed.then(() => (open_ = false));
    // 1,000 a second against 50: one message in twenty taken, the rest dropped, for as long as it lasts.
    for (let i = 0; i < 500 && open_; i++) {
      for (let j = 0; j < 20; j++) if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'ping', t: i }));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await closed).toBe(1008);
    expect(messages.at(-1)).toMatchObject({ type: 'refused', code: ErrorCode.RATE_LIMITED });
  });

  it("frees a refused session's place at once and reads nothing more from it, though its peer never answers the close", async () => {
    gateway = await startTestGateway({ linkLimits: { connectionsPerAddress: 2 } });
    const hello = JSON.stringify({ type: 'hello', version: PROTOCOL_VERSION, role: 'operator', credentials: {} });
    const deaf = [await deafClient(gateway.url), await deafClient(gateway.url)];
    for (const client of deaf) for (let i = 0; i < 50; i++) client.send(hello);
    // Both refused, neither closed by its peer: a workstation of the same address still gets in.
    const workstation = await RawClient.greeted(gateway.url, 'observer', 'Observer One');
    const from = workstation.messages.length;
    workstation.sendJson({ type: 'ping', t: 1 });
    await workstation.next((m) => m.type === 'pong', from);
    // The first refusal written at once, the other address's next folded into a count; the hellos
    // sent after each refusal neither handled nor audited.
    const refusedHellos = gateway.store.auditTrail().filter((r) => r.code === ErrorCode.CREDENTIAL_MISSING);
    expect(refusedHellos).toEqual([
      expect.objectContaining({ action: 'hello', decision: 'refused', peer: '127.0.0.1', detail: expect.objectContaining({ count: 1 }) }),
    ]);
  });

  it("writes a closed session's refusal counts when it closes, not when the window ends, so reconnecting peers are not held for it", async () => {
    gateway = await startTestGateway({ linkLimits: { refusalAuditWindowMs: 600_000 } });
    for (let session = 0; session < 3; session++) {
      const { ws, messages, closed } = await open(gateway.url);
      for (let i = 0; i < 5; i++) ws.send('not json');
      await expect.poll(() => messages.length).toBe(5);
      ws.close();
      await closed;
    }
    const counts = () =>
      gateway!.store
        .auditTrail()
        .filter((r) => r.code === ErrorCode.MALFORMED_JSON)
        .map((r) => (r.detail as { count: number }).count);
    // Each session: its first refusal at once, its other four as one row when it closed.
    await expect.poll(() => counts().sort()).toEqual([1, 1, 1, 4, 4, 4]);
  });

  it('refuses a session beyond the per-address limit with a code when every one has said hello, and keeps the others', async () => {
    gateway = await startTestGateway({ linkLimits: { connectionsPerAddress: 2 } });
    const a = await RawClient.greeted(gateway.url, 'observer', 'Observer One');
    await RawClient.greeted(gateway.url, 'observer', 'Observer Two');
    const third = await open(gateway.url);
    expect(await third.closed).toBe(1008);
    expect(third.messages).toEqual([expect.objectContaining({ type: 'refused', code: ErrorCode.TOO_MANY_CONNECTIONS })]);
    const from = a.messages.length;
    a.sendJson({ type: 'ping', t: 1 });
    await a.next((m) => m.type === 'pong', from);
  });

  it('makes room for a workstation by closing the oldest session of its address that has said no hello', async () => {
    gateway = await startTestGateway({ linkLimits: { connectionsPerAddress: 2 } });
    const silent = [await open(gateway.url), await open(gateway.url)];
    const workstation = await RawClient.greeted(gateway.url, 'observer', 'Observer One');
    expect(await silent[0]!.closed).toBe(1008);
    expect(silent[0]!.messages).toEqual([expect.objectContaining({ type: 'refused', code: ErrorCode.TOO_MANY_CONNECTIONS })]);
    expect(silent[1]!.ws.readyState).toBe(WebSocket.OPEN);
    expect(gateway.store.auditTrail().find((r) => r.code === ErrorCode.TOO_MANY_CONNECTIONS)?.detail).toMatchObject({
      reason: 'closed a session from 127.0.0.1 that had said no hello, to make room (at most 2 from one address)',
    });
    const from = workstation.messages.length;
    workstation.sendJson({ type: 'ping', t: 1 });
    await workstation.next((m) => m.type === 'pong', from);
  });

  it('refuses and closes a connection that pings but never says hello, and keeps the greeted ones', async () => {
    gateway = await startTestGateway({ linkLimits: { helloTimeoutMs: 300 } });
    const greeted = await RawClient.greeted(gateway.url, 'observer', 'Observer One');
    const { ws, messages, closed } = await open(gateway.url);
    // Pings need no account: without a deadline they would hold a session of the address forever.
    const pinging = setInterval(() => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ type: 'ping', t: Date.now() })), 50);
    try {
      expect(await closed).toBe(1008);
    } finally {
      clearInterval(pinging);
    }
    expect(messages.filter((m) => m.type === 'refused')).toEqual([expect.objectContaining({ code: ErrorCode.HELLO_TIMEOUT })]);
    expect(gateway.store.auditTrail().filter((r) => r.code === ErrorCode.HELLO_TIMEOUT)).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ reason: 'no hello within 300 ms of connecting' }) }),
    ]);
    const from = greeted.messages.length;
    greeted.sendJson({ type: 'ping', t: 1 });
    await greeted.next((m) => m.type === 'pong', from);
  });

  it("judges hello deadlines after a pause of the gateway's process once it has read what waited, without moving them on", async () => {
    gateway = await startTestGateway({ heartbeatIntervalMs: 100, linkLimits: { helloTimeoutMs: 500 } });
    const checks = vi.spyOn(gateway as unknown as { checkLiveness(): void }, 'checkLiveness');
    const silent = await open(gateway.url);
    let checksAtRefusal = 0;
    silent.ws.once('message', () => (checksAtRefusal = checks.mock.calls.length));
    // Sent in time, and waiting unread in the gateway's socket through the pause.
    const punctual = await RawClient.saidHello(gateway.url, 'observer', 'Observer One');
    // This process does not run for longer than the hello timeout (a long task, a starved host).
    const pausedAt = Date.now();
    while (Date.now() - pausedAt < 1500);
    const checksAfterPause = checks.mock.calls.length;
    expect(await silent.closed).toBe(1008);
    expect(silent.messages).toEqual([expect.objectContaining({ type: 'refused', code: ErrorCode.HELLO_TIMEOUT })]);
    // At the first check after the pause, not some 10 checks later (the pause added to its deadline).
    expect(checksAtRefusal - checksAfterPause).toBeLessThanOrEqual(2);
    expect((await punctual.next((m) => m.type === 'welcome' || m.type === 'refused')).type).toBe('welcome');
  });

  it('cuts a client that stops reading once its unsent backlog passes the limit, audits it once, and keeps the others', async () => {
    gateway = await startTestGateway({ linkLimits: { sendBacklogBytes: 1024 * 1024 } });
    const stalled = await RawClient.greeted(gateway.url, 'observer', 'Observer One');
    const reading = await RawClient.greeted(gateway.url, 'observer', 'Observer Two');
    // It keeps pinging (so it is not dropped as silent), but takes nothing the gateway sends.
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const pinging = keepPinging([stalled], 50);
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

  it('cuts a client that takes nothing for the stall time, however small what waits for it, and keeps one that reads', async () => {
    gateway = await startTestGateway({ heartbeatIntervalMs: 50, linkLimits: { sendStallMs: 300 } });
    const stalled = await RawClient.greeted(gateway.url, 'observer', 'Observer One');
    const reading = await RawClient.greeted(gateway.url, 'observer', 'Observer Two');
    (stalled.ws as unknown as { _socket: Socket })._socket.pause();
    // Both ping, so neither is dropped as silent; one takes nothing the gateway sends.
    const pinging = keepPinging([stalled, reading], 20);
    try {
      // Small notices, 16 MB in all: past the kernel's socket buffers and 1 MiB, far below the 128 MB backlog limit.
      for (let i = 0; i < 4000 && !gateway.store.auditTrail().some((r) => r.code === ErrorCode.SEND_BACKLOG); i++) {
        gateway.notice('info', `${i} ${'x'.repeat(4 * 1024)}`);
        if (i % 100 === 0) await new Promise((r) => setImmediate(r));
      }
      await expect.poll(() => gateway!.store.auditTrail().filter((r) => r.code === ErrorCode.SEND_BACKLOG).length).toBe(1);
      const row = gateway.store.auditTrail().find((r) => r.code === ErrorCode.SEND_BACKLOG)!;
      expect(row).toMatchObject({ action: 'link', decision: 'cut', actor: 'Observer One', detail: { notTakingMs: expect.any(Number) } });
      expect((row.detail as { backlogBytes: number }).backlogBytes).toBeLessThan(32 * 1024 * 1024);
      await expect.poll(() => gateway!.snapshot().participants.map((p) => p.name)).toEqual(['Observer Two']);
      // The reader goes on: more notices, and still there.
      for (let i = 0; i < 200; i++) gateway.notice('info', `after ${i}`);
      await reading.next((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.text === 'after 199');
    } finally {
      clearInterval(pinging);
    }
    expect(gateway.store.auditTrail().filter((r) => r.code === ErrorCode.SEND_BACKLOG)).toHaveLength(1);
  });

  it('cuts a client that takes a little now and then but falls ever further behind, and keeps one that reads', async () => {
    gateway = await startTestGateway({ heartbeatIntervalMs: 50, linkLimits: { sendStallMs: 600_000, sendLagMs: 1500 } });
    const slow = await RawClient.greeted(gateway.url, 'observer', 'Observer One');
    const reading = await RawClient.greeted(gateway.url, 'observer', 'Observer Two');
    // It reads what one turn of its event loop brings, twice a second: never nothing for long.
    const sipping = readSlowly(slow, 500);
    const pinging = keepPinging([slow, reading], 20);
    try {
      // Notices of 4 KB, 1 MB every 50 ms, at most 96 MB: under the 128 MB backlog limit.
      for (let i = 0; i < 96 && !gateway.store.auditTrail().some((r) => r.code === ErrorCode.SEND_BACKLOG); i++) {
        for (let j = 0; j < 256; j++) gateway.notice('info', `${i}.${j} ${'x'.repeat(4 * 1024)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await expect.poll(() => gateway!.store.auditTrail().filter((r) => r.code === ErrorCode.SEND_BACKLOG).length).toBe(1);
      const row = gateway.store.auditTrail().find((r) => r.code === ErrorCode.SEND_BACKLOG)!;
      expect(row).toMatchObject({ action: 'link', decision: 'cut', actor: 'Observer One', detail: { behindMs: expect.any(Number) } });
      expect(slow.messages.length).toBeGreaterThan(0);
      await expect.poll(() => gateway!.snapshot().participants.map((p) => p.name)).toEqual(['Observer Two']);
      gateway.notice('info', 'after');
      await reading.next((m) => m.type === 'event' && m.body.kind === 'notice' && m.body.text === 'after');
    } finally {
      clearInterval(sipping);
      clearInterval(pinging);
    }
  });

  it('does not cut a client for one image larger than the backlog limit while it takes it', async () => {
    gateway = await startTestGateway({ heartbeatIntervalMs: 50, linkLimits: { sendBacklogBytes: 1024 * 1024 } });
    const slow = await RawClient.greeted(gateway.url, 'observer', 'Observer One');
    // It reads nothing for a while (a slow network), pinging so that it is not dropped as silent.
    const socket = (slow.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    const pinging = keepPinging([slow], 20);
    try {
      // Past the kernel's socket buffers, 8 times the limit.
      publishLargeImage(gateway, '2.25.1.1.1');
      // Several liveness checks with the whole image queued.
      await new Promise((resolve) => setTimeout(resolve, 500));
      socket.resume();
      await expect.poll(() => slow.images.length).toBe(1);
    } finally {
      clearInterval(pinging);
    }
    expect(gateway.store.auditTrail().filter((r) => r.code === ErrorCode.SEND_BACKLOG)).toEqual([]);
  });

  it('does not cut a client taking one large image a little at a time for longer than the lag allows', async () => {
    gateway = await startTestGateway({ heartbeatIntervalMs: 50, linkLimits: { sendStallMs: 600_000, sendLagMs: 200 } });
    const slow = await RawClient.greeted(gateway.url, 'observer', 'Observer One');
    const socket = (slow.ws as unknown as { _socket: Socket })._socket;
    // A slow link: what one turn of its event loop brings, every 150 ms.
    const sipping = readSlowly(slow, 150);
    const pinging = keepPinging([slow], 20);
    try {
      publishLargeImage(gateway, '2.25.1.1.2');
      // Taken a little at a time for far longer than the lag, then all at once.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      clearInterval(sipping);
      socket.resume();
      await expect.poll(() => slow.images.length).toBe(1);
    } finally {
      clearInterval(sipping);
      clearInterval(pinging);
    }
    expect(gateway.store.auditTrail().filter((r) => r.code === ErrorCode.SEND_BACKLOG)).toEqual([]);
  });

  it('audits a frame that breaks the WebSocket protocol with a code of its own, folded by address', async () => {
    gateway = await startTestGateway();
    for (let i = 0; i < 3; i++) {
      const deaf = await deafClient(gateway.url);
      // A masked text frame (mask 0) that is not UTF-8 (RFC 6455 8.1): ws closes with 1007.
      deaf.sendRaw(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]));
    }
    await expect.poll(() => gateway!.store.auditTrail().filter((r) => r.code === ErrorCode.INVALID_MESSAGE).length).toBe(1);
    expect(gateway.store.auditTrail().find((r) => r.code === ErrorCode.INVALID_MESSAGE)).toMatchObject({
      action: 'message',
      decision: 'rejected',
      peer: '127.0.0.1',
      detail: expect.objectContaining({ reason: expect.stringContaining('WS_ERR_INVALID_UTF8') }),
    });
  });

  it('answers 408 and closes a request whose headers never end, and lets the address connect again', async () => {
    gateway = await startTestGateway({ linkLimits: { socketsPerAddress: 4, headersTimeoutMs: 500 } });
    // Slowloris: request lines and headers, never the blank line that ends them.
    const held = await Promise.all(Array.from({ length: 4 }, () => rawSocket(gateway!.port, 'GET /onsite HTTP/1.1\r\nHost: x\r\n')));
    for (const { answer } of held) expect(await answer).toMatch(/^HTTP\/1\.1 408/);
    const client = await open(gateway.url);
    client.ws.send(JSON.stringify({ type: 'ping', t: 1 }));
    await expect.poll(() => client.messages.some((m) => m.type === 'pong')).toBe(true);
  });

  it('makes room for a workstation by closing the oldest socket that sent no whole request, so a slowloris from its address cannot keep it out', async () => {
    gateway = await startTestGateway({ linkLimits: { socketsPerAddress: 4, maxSockets: 64 } });
    const held = [];
    for (let i = 0; i < 4; i++) held.push(await rawSocket(gateway.port, 'GET /onsite HTTP/1.1\r\nHost: x\r\n'));
    await new Promise((resolve) => setTimeout(resolve, 20)); // accepted before the workstation connects
    const client = await open(gateway.url);
    expect(await held[0]!.answer).toBe(''); // closed unanswered, long before its headers' time ran out
    client.ws.send(JSON.stringify({ type: 'ping', t: 1 }));
    await expect.poll(() => client.messages.some((m) => m.type === 'pong')).toBe(true);
    const refusals = gateway.store.auditTrail().filter((r) => r.code === ErrorCode.TOO_MANY_CONNECTIONS);
    expect(refusals.map((r) => r.detail)).toEqual([
      expect.objectContaining({
        reason:
          'closed a connection from 127.0.0.1 that had no request being answered, to make room for one from 127.0.0.1 (at most 64 open connections, 4 from one address)',
      }),
    ]);
    for (const { socket } of held.slice(1)) expect(socket.destroyed).toBe(false);
  });

  it('closes a socket at once, before reading it, when every socket of its address carries a WebSocket', async () => {
    gateway = await startTestGateway({ linkLimits: { socketsPerAddress: 2 } });
    const held = [await open(gateway.url), await open(gateway.url)];
    const beyond = await Promise.all(Array.from({ length: 6 }, () => rawSocket(gateway!.port, '')));
    for (const { answer } of beyond) expect(await answer).toBe(''); // closed at once, nothing answered
    const refusals = () => gateway!.store.auditTrail().filter((r) => r.code === ErrorCode.TOO_MANY_CONNECTIONS);
    expect(refusals()).toHaveLength(1); // the first at once; the other five folded into its count at the window's end
    expect(refusals()[0]!.detail).toMatchObject({ reason: 'more than 2 open connections from 127.0.0.1, each with a request being answered or a WebSocket' });
    for (const { ws } of held) expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a kept-alive socket between its requests to make room, the longest idle first', async () => {
    gateway = await startTestGateway({ linkLimits: { socketsPerAddress: 2, maxSockets: 64 } });
    // Whole requests on kept-alive connections: answered, then idle, open for the next.
    const served = [];
    for (let i = 0; i < 2; i++) {
      const socket = await rawSocket(gateway.port, 'GET /onsite HTTP/1.1\r\nHost: x\r\n\r\n');
      await expect.poll(() => socket.received()).toMatch(/^HTTP\/1\.1 200/);
      served.push(socket);
    }
    expect((await fetch(gateway.onsiteUrl)).status).toBe(200);
    expect(await served[0]!.answer).toMatch(/^HTTP\/1\.1 200/); // its answer whole, then closed
    expect(served[1]!.socket.destroyed).toBe(false);
  });

  it('closes a socket whose request body is still coming to make room, as it would one whose headers never end', async () => {
    gateway = await startTestGateway({ linkLimits: { socketsPerAddress: 2, maxSockets: 64 } });
    const slow = [];
    const head = 'POST /auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';
    for (let i = 0; i < 2; i++) slow.push(await rawSocket(gateway.port, `${head}{"user`));
    await new Promise((resolve) => setTimeout(resolve, 20)); // read before the next connects
    expect((await fetch(gateway.onsiteUrl)).status).toBe(200);
    expect(await slow[0]!.answer).toBe(''); // closed unanswered
    expect(slow[1]!.socket.destroyed).toBe(false);
  });

  it('closes a socket whose answer has made no progress for the answer time, so a peer that never reads cannot hold it', async () => {
    gateway = await startTestGateway({ linkLimits: { socketsPerAddress: 2, maxSockets: 64, headersTimeoutMs: 500 } });
    const script = /src="([^"]+\.js)"/.exec(await (await fetch(gateway.onsiteUrl)).text())![1];
    // Requests pipelined on one socket, whose answers (megabytes) it never reads.
    const unread = `GET ${script} HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(200);
    const stuck = [];
    for (let i = 0; i < 2; i++) {
      const held = await rawSocket(gateway.port, unread);
      held.socket.pause();
      stuck.push(held);
    }
    // Owed their answers, the two are never pushed out: a new socket is closed unread until the
    // gateway has cut them (a paused socket here would not see it), and is then served.
    const served = () =>
      fetch(gateway!.onsiteUrl).then(
        async (response) => (await response.arrayBuffer(), response.ok),
        () => false,
      );
    while (!(await served())) await new Promise((resolve) => setTimeout(resolve, 100));
  });

  it('makes room over TLS the same way: an upgrade counts on the TLS socket over the TCP socket counted', async () => {
    const site = selfSignedCertificate(tempDir(), '127.0.0.1');
    gateway = await startTestGateway({
      tls: { cert: readFileSync(site.cert), key: readFileSync(site.key) },
      linkLimits: { socketsPerAddress: 3, maxSockets: 64 },
    });
    const port = gateway.port;
    const tlsSocket = async (text: string) => {
      const socket = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false });
      socket.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await new Promise((resolve) => socket.once('secureConnect', resolve));
      socket.write(text);
      return { socket, closed };
    };
    const wss = () => {
      const ws = new WebSocket(gateway!.url, SUBPROTOCOL, { rejectUnauthorized: false });
      sockets.push(ws);
      return new Promise<WebSocket>((resolve, reject) => (ws.once('open', () => resolve(ws)), ws.once('error', reject)));
    };
    // A WebSocket over TLS: its upgrade, made on the TLS socket, counts for the TCP socket under it.
    const first = await wss();
    const slow = [await tlsSocket('GET /onsite HTTP/1.1\r\n'), await tlsSocket('GET /onsite HTTP/1.1\r\n')];
    await new Promise((resolve) => setTimeout(resolve, 20)); // accepted before the workstation connects
    await wss();
    await slow[0]!.closed; // the oldest without a request being answered made room; the WebSocket stays
    expect(first.readyState).toBe(WebSocket.OPEN);
    expect(slow[1]!.socket.destroyed).toBe(false);
    for (const s of slow) s.socket.destroy();
  });

  it('makes room across addresses at the gateway-wide limit, the oldest first', async () => {
    gateway = await startTestGateway({ linkLimits: { maxSockets: 3 } });
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await rawSocket(gateway.port, 'GET / HTTP/1.1\r\n'));
    await new Promise((resolve) => setTimeout(resolve, 20)); // accepted before the next connects
    expect((await fetch(gateway.onsiteUrl)).status).toBe(200);
    expect(await held[0]!.answer).toBe('');
    expect(gateway.store.auditTrail().find((r) => r.code === ErrorCode.TOO_MANY_CONNECTIONS)?.detail).toMatchObject({
      reason:
        'closed a connection from 127.0.0.1 that had no request being answered, to make room for one from 127.0.0.1 (at most 3 open connections, 256 from one address)',
    });
  });
});

/**
 * A TCP connection to the gateway's port that sends `text`; `answer` resolves with what came back
 * once the gateway closes it, `received` tells what came back so far.
 */
async function rawSocket(port: number, text: string): Promise<{ socket: Socket; answer: Promise<string>; received: () => string }> {
  const socket = connect(port, '127.0.0.1');
  raw.push(socket);
  let received = '';
  socket.on('data', (data) => (received += data.toString()));
  socket.on('error', () => undefined); // a reset is a close too
  const answer = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  if (text) socket.write(text);
  return { socket, answer, received: () => received };
}
