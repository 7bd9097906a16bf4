import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkstationCore } from '../../main/core/workstation-core.js';
import type { IpcMainInvokeEvent, WebContents } from '../../main/electron/electron-api.js';
import { forwardPushes, registerIpcGate } from '../../main/electron/ipc-gate.js';
import { ipcTransport, type IpcRendererLike } from '../../preload/ipc-transport.js';
import { webSocketTransport, type WebSocketLike } from '../../preload/ws-transport.js';
import {
  IpcPushes,
  IpcRequests,
  type IpcPushName,
  type IpcRequestName,
  type LarmorApi,
  type LogEntry,
  type PreviewImage,
  type WorkstationView,
} from '../../protocol/api.js';
import { bridgeChannel, createLarmorClient } from '../../protocol/bridge.js';
import { ErrorCode } from '../../protocol/errors.js';
import { UNRESTRICTED_POLICY_VIEW } from '../../protocol/policy.js';
import { startTestGateway } from '../helpers/gateway.js';
import { testLogin } from '../helpers/accounts.js';
import { mrImage } from '../helpers/mr-images.js';
import { attachImageIntake } from '../../main/images/image-intake.js';
import { bridgeSocket } from '../helpers/shell.js';

/**
 * One suite, both shells: the renderer must not be able to tell the Electron preload from the
 * browser-shell shim. Each harness wires a real WorkstationCore to the client the renderer gets.
 */
interface Harness {
  api: LarmorApi;
  core: WorkstationCore;
  /** Electron only: every channel name that crossed the stand-in IPC. */
  channels?: string[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const APP = 'file:///opt/Larmor/dist/renderer/index.html';

/** Electron: a recording stand-in for ipcMain/ipcRenderer (the binary cannot exist here), values structured-cloned as IPC does. */
async function electronHarness(): Promise<Harness> {
  const core = new WorkstationCore();
  cleanups.push(() => core.disconnect());
  const channels: string[] = [];
  const handlers = new Map<string, (event: IpcMainInvokeEvent, payload: unknown) => Promise<unknown>>();
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const mainFrame = { url: APP };
  // webContents.ipc: what the preload sends with ipcRenderer.send (the count of pushes taken).
  const ipc = new EventEmitter();
  const webContents = {
    mainFrame,
    ipc,
    on: () => undefined,
    isDestroyed: () => false,
    send(channel: string, value: unknown) {
      channels.push(channel);
      for (const listener of listeners.get(channel) ?? []) listener({}, structuredClone(value));
    },
  } as unknown as WebContents;
  registerIpcGate({ handle: (channel, handler) => void handlers.set(channel, handler) }, core, APP);
  // As the shell does: state, log and media as IPC pushes, images over a MessagePort (structured-cloned, as Electron's are).
  forwardPushes(core, webContents, ['state', 'log', 'media']);
  const imageChannel = new MessageChannel();
  cleanups.push(() => {
    imageChannel.port1.close();
    imageChannel.port2.close();
  });
  core.on('image', (image: unknown) => imageChannel.port1.postMessage(image));
  const ipcRenderer: IpcRendererLike = {
    async invoke(channel, payload) {
      channels.push(channel);
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler({ sender: webContents, senderFrame: mainFrame } as unknown as IpcMainInvokeEvent, structuredClone(payload)));
    },
    send: (channel, ...args) => void ipc.emit(channel, { sender: webContents, senderFrame: mainFrame }, ...args.map((arg) => structuredClone(arg))),
    on: (channel, listener) => void listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
    removeListener: (channel, listener) => void listeners.get(channel)?.delete(listener),
  };
  const api = createLarmorClient(ipcTransport(ipcRenderer));
  // What main does at each page load: hand the page's image port to the preload.
  channels.push(bridgeChannel.imagePort);
  for (const listener of listeners.get(bridgeChannel.imagePort) ?? []) listener({ ports: [imageChannel.port2] });
  return { api, core, channels };
}

/** Browser shell: the real shell on port 0, and a WebSocket holding the page's token and origin. */
async function browserHarness(): Promise<Harness> {
  const core = new WorkstationCore();
  cleanups.push(() => core.disconnect());
  const { shell, ws } = await bridgeSocket(core);
  cleanups.push(() => shell.close());
  cleanups.push(() => ws.close());
  const api = createLarmorClient(webSocketTransport(ws as unknown as WebSocketLike));
  // The core pushes to a page once its socket is up; before that there is nobody to push to.
  await new Promise((resolve) => ws.once('open', resolve));
  return { api, core };
}

function collect<T>(subscribe: (listener: (value: T) => void) => () => void): { values: T[]; stop: () => void } {
  const values: T[] = [];
  const stop = subscribe((value) => values.push(value));
  return { values, stop };
}

/** The log's entries as they arrived, batches laid end to end, and the batches themselves. */
function collectLog(api: LarmorApi): { values: LogEntry[]; batches: (readonly LogEntry[])[]; stop: () => void } {
  const values: LogEntry[] = [];
  const batches: (readonly LogEntry[])[] = [];
  const stop = api.log.subscribe((batch) => {
    batches.push(batch);
    values.push(...batch);
  });
  return { values, batches, stop };
}

describe.each([
  ['Electron preload', electronHarness],
  ['browser-shell shim', browserHarness],
])('the renderer bridge over the %s', (_name, harness) => {
  it('gives a state subscriber the current view first', async () => {
    const { api } = await harness();
    const state = collect<WorkstationView>(api.state.subscribe);
    await expect.poll(() => state.values.length).toBeGreaterThanOrEqual(1);
    expect(state.values[0]!.link.status).toBe('disconnected');
  });

  it('then every change, and a later subscriber the latest view at once', async () => {
    const { api } = await harness();
    const first = collect<WorkstationView>(api.state.subscribe);
    // The current view at once; a link-health figure folded into it may follow on a loaded machine.
    await expect.poll(() => first.values.length).toBeGreaterThanOrEqual(1);
    const before = first.values.length;
    await expect(api.link.connect({ url: 'ws://127.0.0.1:9', role: 'operator', name: 'A' })).rejects.toMatchObject({
      code: expect.stringMatching(/^LARMOR_E_/),
    });
    await expect.poll(() => first.values.at(-1)!.link.status).not.toBe('connecting');
    expect(first.values.length).toBeGreaterThan(before);
    const later = collect<WorkstationView>(api.state.subscribe);
    expect(later.values).toEqual([first.values.at(-1)]);
  });

  it('gives a log subscriber the recent log first, then each new entry once, and nothing after unsubscribing', async () => {
    const { api, core } = await harness();
    const entry = (second: number, text: string): LogEntry => ({ at: `2026-12-02T00:00:0${second}.000Z`, kind: 'notice', level: 'info', text });
    const log = collectLog(api);
    core.emit('log', entry(0, 'first'));
    await expect.poll(() => log.values).toEqual([entry(0, 'first')]);
    // A window opened later (on a link the shell kept): what happened before it, then what follows.
    // The two entries emitted while its log.recent is asked are in the answer and pushed as well:
    // each is shown once, and the repeated line twice, as it happened.
    const later = collectLog(api);
    log.stop();
    core.emit('log', entry(1, 'repeated'));
    core.emit('log', entry(1, 'repeated'));
    await expect.poll(() => later.values.length).toBe(3);
    core.emit('log', entry(2, 'second'));
    await expect.poll(() => later.values.length).toBe(4);
    expect(later.values).toEqual([entry(0, 'first'), entry(1, 'repeated'), entry(1, 'repeated'), entry(2, 'second')]);
    expect(log.values).toEqual([entry(0, 'first')]);
  });

  it('answers policy.current with the machine policy the page may know (unrestricted without one)', async () => {
    const { api } = await harness();
    await expect(api.policy!.current()).resolves.toEqual(UNRESTRICTED_POLICY_VIEW);
  });

  it('rejects a request the core refuses with its {code, message}', async () => {
    const { api } = await harness();
    const refused = api.commands.send({ name: 'scan.warp' } as never);
    await expect(refused).rejects.toMatchObject({ code: ErrorCode.IPC_INVALID_PAYLOAD, message: expect.stringContaining('commands.send') });
  });

  it('fetches held images through the core: the outcome comes back, the images on images.subscribe marked fetched', async () => {
    const { api, core } = await harness();
    const gateway = await startTestGateway();
    cleanups.push(() => gateway.close());
    expect(gateway.imaging!.pipeline.accept(mrImage(1, 1), 'c-store').ok).toBe(true);
    attachImageIntake(core);
    await api.link.connect({ url: gateway.url, role: 'operator', ...testLogin('Tech') });
    const images = collect<PreviewImage>(api.images.subscribe);
    const state = collect<WorkstationView>(api.state.subscribe);
    await expect.poll(() => state.values.at(-1)?.exam?.series.length).toBe(1);
    await expect(api.images.fetch({ sopInstanceUids: ['2.25.1.1.1', '2.25.404'] })).resolves.toMatchObject({
      queued: 1,
      unknown: ['2.25.404'],
      code: ErrorCode.IMAGE_NOT_HELD,
    });
    await expect.poll(() => images.values.length).toBe(1);
    expect(images.values[0]).toMatchObject({ sopInstanceUid: '2.25.1.1.1', fetched: true });
    await expect(api.images.fetch({ seriesUid: 42 } as never)).rejects.toMatchObject({ code: ErrorCode.IPC_INVALID_PAYLOAD });
  });

  it('delivers a large image whole, and the images around it in order', async () => {
    const { api, core } = await harness();
    const images = collect<PreviewImage>(api.images.subscribe);
    // 2048x2048 16-bit: 8 MiB of pixels, in parts over the browser shell's socket.
    const large = new Uint16Array(2048 * 2048).map((_, i) => (i * 31) & 0xffff);
    const small = new Uint16Array([1, 2, 3, 4]);
    for (const [uid, pixels, rows] of [
      ['2.25.1', small, 2],
      ['2.25.2', large, 2048],
      ['2.25.3', small, 2],
    ] as const)
      core.emit('image', { sopInstanceUid: uid, rows, columns: rows, pixels: pixels.slice().buffer } as unknown as PreviewImage);
    await expect.poll(() => images.values.length).toBe(3);
    expect(images.values.map((i) => i.sopInstanceUid)).toEqual(['2.25.1', '2.25.2', '2.25.3']);
    expect(Buffer.from(images.values[1]!.pixels, 0, large.byteLength).equals(Buffer.from(large.buffer))).toBe(true);
    expect([...new Uint16Array(images.values[2]!.pixels, 0, 4)]).toEqual([1, 2, 3, 4]);
  });
});

describe('the Electron transport', () => {
  it('uses only the channels protocol/bridge.ts names', async () => {
    const { api, core, channels } = await electronHarness();
    collect(api.state.subscribe);
    collectLog(api);
    core.emit('log', { at: '2026-12-02T00:00:00.000Z', kind: 'notice', level: 'info', text: 'x' });
    await api.link.disconnect();
    const named = new Set([
      ...(Object.keys(IpcRequests) as IpcRequestName[]).map(bridgeChannel.request),
      ...(IpcPushes as readonly IpcPushName[]).map(bridgeChannel.push),
      bridgeChannel.imagePort,
    ]);
    expect(channels!.length).toBeGreaterThan(0);
    expect(channels!.filter((channel) => !named.has(channel))).toEqual([]);
  });

  it('delivers images over the image port, never on an IPC push channel', async () => {
    const { api, core, channels } = await electronHarness();
    const images = collect(api.images.subscribe);
    const pixels = new Uint16Array([1, 2, 3]).buffer;
    core.emit('image', { sopInstanceUid: '1.2.3', pixels } as unknown as PreviewImage);
    await expect.poll(() => images.values.length).toBe(1);
    expect(images.values[0]).toMatchObject({ sopInstanceUid: '1.2.3' });
    expect(channels).not.toContain(bridgeChannel.push('image'));
    images.stop();
    core.emit('image', { sopInstanceUid: '1.2.4', pixels } as unknown as PreviewImage);
    await api.link.disconnect();
    expect(images.values).toHaveLength(1);
  });
});
