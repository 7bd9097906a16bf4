import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../helpers/browser.js';

/**
 * The bundled preload (dist/preload/preload.cjs, `npm run build:preload`) run in real Chromium
 * with a stand-in for the two things it requires from Electron (contextBridge, ipcRenderer). In
 * Electron the preload's world and the page's world are two; here they are one page, so this
 * proves the preload's logic (API shape, the image port taken by the bridge transport, transfer
 * without a copy, no port from the page or a frame accepted), not Electron's world isolation.
 */
const PRELOAD = join(import.meta.dirname, '..', '..', '..', 'dist', 'preload', 'preload.cjs');

const STAND_IN = `
window.__ipc = {
  invoked: [],
  sent: [],
  listeners: new Map(),
  // What main's webContents.send or postMessage does: every listener of the channel, in order.
  emit: (channel, event, ...args) => { for (const listener of window.__ipc.listeners.get(channel) ?? []) listener(event, ...args); },
};
window.__electron = {
  // As Electron documents exposeInMainWorld: a read-only property holding a frozen copy.
  contextBridge: { exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: Object.freeze(api), writable: false, configurable: false, enumerable: true }) },
  ipcRenderer: {
    invoke: async (channel, payload) => { window.__ipc.invoked.push(channel); return { ok: true, value: { channel } }; },
    send: (channel, ...args) => { window.__ipc.sent.push([channel, ...args]); },
    on: (channel, listener) => { window.__ipc.listeners.set(channel, [...(window.__ipc.listeners.get(channel) ?? []), listener]); },
    removeListener: (channel, listener) => { window.__ipc.listeners.set(channel, (window.__ipc.listeners.get(channel) ?? []).filter((l) => l !== listener)); },
  },
};`;

/** The stand-in's record, as the page holds it. */
interface StandInIpc {
  sent: unknown[][];
  emit(channel: string, event: unknown, ...args: unknown[]): void;
}

describe.skipIf(!chromiumAvailable() || !existsSync(PRELOAD))('Electron preload', () => {
  let browser: Browser;
  let server: Server;
  let origin = '';
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>page</title>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  async function pageWithPreload(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.evaluate(STAND_IN);
    await page.evaluate(
      `(function () { const module = { exports: {} }; const exports = module.exports; const require = (name) => { if (name !== 'electron') throw new Error('a sandboxed preload may only require electron, not ' + name); return window.__electron; }; ${readFileSync(PRELOAD, 'utf8')}\n})()`,
    );
    return page;
  }

  it('defines window.larmor once, frozen, with task-shaped functions and no generic channel', async () => {
    const page = await pageWithPreload();
    const shape = await page.evaluate(() => ({
      keys: Object.keys(window.larmor!).sort(),
      frozen: Object.isFrozen(window.larmor),
      configurable: Object.getOwnPropertyDescriptor(window, 'larmor')!.configurable,
      replaced: (() => {
        try {
          (window as { larmor: unknown }).larmor = {};
        } catch {
          /* strict mode would throw */
        }
        return Object.keys(window.larmor!).length;
      })(),
    }));
    expect(shape).toEqual({
      keys: ['collab', 'commands', 'desk', 'images', 'link', 'log', 'media', 'policy', 'state'],
      frozen: true,
      configurable: false,
      replaced: 9,
    });
    expect(await page.evaluate(() => window.larmor!.policy!.current())).toEqual({ channel: 'larmor:policy.current' });
    await page.close();
  });

  it('delivers images over the port from main, with the pixel buffer transferred, not copied', async () => {
    const page = await pageWithPreload();
    const result = await page.evaluate(async () => {
      const { port1, port2 } = new MessageChannel();
      // What main does: hand the port to the preload on larmor:image-port.
      (window as unknown as { __ipc: StandInIpc }).__ipc.emit('larmor:image-port', { ports: [port2] });
      const got = new Promise<{ uid: string; bytes: number; first: number }>((resolve) =>
        window.larmor!.images.subscribe((image) =>
          resolve({ uid: image.sopInstanceUid, bytes: image.pixels.byteLength, first: new Uint16Array(image.pixels)[0]! }),
        ),
      );
      await new Promise((r) => setTimeout(r, 50));
      const pixels = new Uint16Array(512 * 512).fill(7).buffer;
      port1.postMessage({ sopInstanceUid: '1.2.3', pixels }, [pixels]);
      const image = await got;
      return { ...image, senderBytesAfter: pixels.byteLength };
    });
    expect(result).toEqual({ uid: '1.2.3', bytes: 512 * 512 * 2, first: 7, senderBytesAfter: 0 });
    await page.close();
  });

  it('tells main how many pushes the page took, whether or not anything listens to them, in few messages', async () => {
    const page = await pageWithPreload();
    const told = await page.evaluate(async () => {
      const ipc = (window as unknown as { __ipc: StandInIpc }).__ipc;
      // Nothing on the page subscribes: the preload counts them all the same.
      for (let i = 0; i < 40; i++) ipc.emit('larmor:push:log', {}, []);
      for (let i = 0; i < 3; i++) ipc.emit('larmor:push:state', {}, { n: i });
      await new Promise((r) => setTimeout(r, 100));
      return { sent: ipc.sent };
    });
    expect(told.sent.every(([channel]) => channel === 'larmor:pushes-taken')).toBe(true);
    expect(told.sent.reduce((sum, [, count]) => sum + (count as number), 0)).toBe(43);
    expect(told.sent.length).toBeLessThanOrEqual(4);
    await page.close();
  });

  it('ignores a port posted by a frame: only main hands one over, on its IPC channel', async () => {
    const page = await pageWithPreload();
    const received = await page.evaluate(async () => {
      let count = 0;
      window.larmor!.images.subscribe(() => count++);
      const frame = document.createElement('iframe');
      document.body.append(frame);
      // Same origin, but the message comes from the frame's window, not ours: event.source differs.
      (frame.contentWindow as Window & { eval(code: string): unknown }).eval(`
        const channel = new MessageChannel();
        parent.postMessage({ larmor: 'larmor:image-port' }, '*', [channel.port2]);
        setTimeout(() => channel.port1.postMessage({ sopInstanceUid: 'forged', pixels: new ArrayBuffer(2) }), 50);
      `);
      await new Promise((r) => setTimeout(r, 100));
      return count;
    });
    expect(received).toBe(0);
    await page.close();
  });
});
