import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { startWorkstation } from '../helpers/shell.js';
import { BRIDGE_SUPERSEDED } from '../../main/browser-shell/browser-shell.js';

let ws: Awaited<ReturnType<typeof startWorkstation>>;

beforeAll(async () => {
  ws = await startWorkstation();
});
afterAll(() => ws.close());

function tryBridge(url: string, origin: string): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { origin });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => resolve(0));
  });
}

describe('browser shell', () => {
  it('serves the renderer with a strict CSP and the shim injected', async () => {
    const res = await fetch(ws.shell.url);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-eval/);
    const html = await res.text();
    expect(html).toMatch(/larmor-shim\.js/);
    expect(html).toMatch(/name="larmor-bridge-token"/);
  });

  it('does not serve files outside the renderer folder', async () => {
    const res = await fetch(new URL('/..%2f..%2fpackage.json', ws.shell.url));
    expect(res.status).toBe(404);
  });

  it('answers an upgrade whose target is no URL with 400, and keeps serving', async () => {
    const { port } = new URL(ws.shell.url);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (data) => (answer += data.toString()));
    socket.write(`GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(ws.shell.url)).status).toBe(200);
  });

  it('admits to the bridge only its own page holding the launch token', async () => {
    const html = await (await fetch(ws.shell.url)).text();
    const token = /name="larmor-bridge-token" content="([^"]+)"/.exec(html)![1]!;
    const base = ws.shell.url.replace('http', 'ws');
    const origin = ws.shell.url.replace(/\/$/, '');
    expect(await tryBridge(`${base}bridge?token=${token}`, origin)).toBe('open');
    expect(await tryBridge(`${base}bridge?token=wrong`, origin)).toBe(403);
    expect(await tryBridge(`${base}bridge?token=${token}`, 'http://evil.example')).toBe(403);
  });

  it('answers only on its loopback names (no DNS rebinding), and drives the core from one bridge at a time: the newest page takes over', async () => {
    const port = new URL(ws.shell.url).port;
    const rebound = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } }, (res) => resolve(res.statusCode ?? 0)).end();
    });
    expect(rebound).toBe(421);
    const html = await (await fetch(ws.shell.url)).text();
    const token = /name="larmor-bridge-token" content="([^"]+)"/.exec(html)![1]!;
    const base = ws.shell.url.replace('http', 'ws');
    const origin = ws.shell.url.replace(/\/$/, '');
    const first = new WebSocket(`${base}bridge?token=${token}`, { origin });
    await new Promise((resolve) => first.once('open', resolve));
    const firstClosed = new Promise<number>((resolve) => first.once('close', (code) => resolve(code)));
    const second = new WebSocket(`${base}bridge?token=${token}`, { origin });
    await new Promise((resolve) => second.once('open', resolve));
    expect(await firstClosed).toBe(BRIDGE_SUPERSEDED);
    second.close();
  });
});
