import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MAX_CHAT_CHARS, MAX_CONTROL_FRAME_BYTES, MAX_MARK_POINTS, SUBPROTOCOL } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { useGatewayFixture } from '../../helpers/gateway.js';

const f = useGatewayFixture();

function frameTooLargeRows(g: Gateway) {
  return g.store.auditTrail().filter((r) => r.code === ErrorCode.FRAME_TOO_LARGE);
}

/** A WebSocket upgrade by hand, so the test controls exactly which bytes of a frame are sent. */
async function upgradedSocket(url: string): Promise<{ socket: Socket; received: () => Buffer; ended: Promise<void> }> {
  const { hostname, port } = new URL(url);
  const socket = f.closes(connect(Number(port), hostname), (s) => s.destroy());
  let data = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => (data = Buffer.concat([data, chunk])));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(
    [
      `GET / HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Protocol: ${SUBPROTOCOL}`,
      '',
      '',
    ].join('\r\n'),
  );
  await expect.poll(() => data.includes('\r\n\r\n')).toBe(true);
  expect(data.toString('latin1')).toMatch(/^HTTP\/1\.1 101/);
  const headerEnd = data.indexOf('\r\n\r\n') + 4;
  return { socket, received: () => data.subarray(headerEnd), ended };
}

/** RFC 6455 5.2: a masked text frame header announcing `length` payload bytes (64-bit length form). */
function textFrameHeader(length: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x81; // FIN, text
  header[1] = 0x80 | 127; // masked, 64-bit extended length follows
  header.writeBigUInt64BE(BigInt(length), 2);
  randomBytes(4).copy(header, 10);
  return header;
}

describe('the inbound control-frame cap', () => {
  it('closes a client that sends a 70 KiB frame with 1009 and audits the refusal with its code', async () => {
    const gateway = await f.start();
    const c = await f.client('operator', 'Test Tech');
    c.sendJson({ type: 'ping', t: 1, padding: 'x'.repeat(70 * 1024) });
    expect((await c.closed).code).toBe(1009);
    await expect.poll(() => frameTooLargeRows(gateway).length).toBe(1);
    expect(frameTooLargeRows(gateway)[0]).toMatchObject({ action: 'message', decision: 'rejected', detail: { count: 1 } });
  });

  it('audits a client that reconnects and repeats the oversized frame as one row with a count', async () => {
    // Far longer than five reconnects take, even on a loaded machine: one window holds them all.
    const gateway = await f.start({ linkLimits: { refusalAuditWindowMs: 5000 } });
    for (let i = 0; i < 5; i++) {
      const c = await f.connect();
      c.ws.send('x'.repeat(MAX_CONTROL_FRAME_BYTES + 1));
      expect((await c.closed).code).toBe(1009);
    }
    expect(frameTooLargeRows(gateway).map((r) => (r.detail as { count: number }).count)).toEqual([1]);
    // The window ends (or the gateway stops): the repeats are written as one row.
    await expect.poll(() => frameTooLargeRows(gateway).map((r) => (r.detail as { count: number }).count), { timeout: 30_000 }).toEqual([1, 4]);
  });

  it('does not close a link for a 60 KiB frame', async () => {
    const gateway = await f.start();
    const c = await f.client('operator', 'Test Tech');
    const from = c.messages.length;
    c.sendJson({ type: 'ping', t: 2, padding: 'x'.repeat(60 * 1024) });
    await c.next((m) => m.type === 'pong' || m.type === 'error', from);
    c.sendJson({ type: 'ping', t: 3 });
    expect(await c.next((m) => m.type === 'pong' && m.t === 3)).toBeTruthy();
    expect(frameTooLargeRows(gateway)).toEqual([]);
  });

  it('refuses a frame announcing 15 MiB from its header alone, before any payload is sent', async () => {
    const gateway = await f.start();
    const { socket, received, ended } = await upgradedSocket(gateway.url);
    socket.write(textFrameHeader(15 * 1024 * 1024));
    // Not one payload byte was written: the server answered the header with a close frame
    // (RFC 6455 5.5.1) carrying 1009 and then ended the connection, buffering nothing.
    await ended;
    const close = received();
    expect(close[0]).toBe(0x88);
    expect(close.readUInt16BE(2)).toBe(1009);
    await expect.poll(() => frameTooLargeRows(gateway).length).toBe(1);
  });

  it('fits the largest legitimate client messages under the cap', () => {
    const candidate = 'a=candidate:842163049 1 udp 1677729535 203.0.113.77 49152 typ srflx raddr 192.168.1.20 rport 49152 generation 0 network-cost 999';
    let sdp = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
    while (sdp.length + candidate.length + 2 <= 48 * 1024) sdp += `${candidate}\r\n`;
    const offer = JSON.stringify({ type: 'signal', to: 'x'.repeat(64), description: { type: 'offer', sdp } });
    const points = Array.from({ length: MAX_MARK_POINTS }, () => [-65535 - 1 / 3, -Math.PI * 1e-300]);
    const mark = JSON.stringify({
      type: 'collab',
      id: 'x'.repeat(64),
      action: { name: 'mark.add', sopInstanceUid: '1'.repeat(64), shape: 'freehand', points },
    });
    const chat = JSON.stringify({ type: 'collab', id: 'x'.repeat(64), action: { name: 'chat.send', text: '\u{1F9E0}'.repeat(MAX_CHAT_CHARS) } });
    for (const message of [offer, mark, chat]) expect(Buffer.byteLength(message)).toBeLessThan(MAX_CONTROL_FRAME_BYTES);
  });
});
