import { describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { ErrorCode, IpcRequests, bridgeChannel, type DeskView, type LogEntry, type WorkstationView } from '../../../protocol/index.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import { Desk } from '../../../main/desk/desk.js';
import type { IpcMainInvokeEvent, ShellElectron, WebContents, WebFrameMain } from '../../../main/electron/electron-api.js';
import { forwardPushes, registerIpcGate } from '../../../main/electron/ipc-gate.js';

const APP = 'app://larmor/index.html';

/** The thinnest stand-in for ipcMain (the Electron binary cannot exist here): it records handlers. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, payload: unknown) => Promise<unknown>>();
  const ipcMain: ShellElectron['ipcMain'] = { handle: (channel, handler) => void handlers.set(channel, handler) };
  return { ipcMain, handlers };
}

function event(frameUrl: string, { subframe = false } = {}): IpcMainInvokeEvent {
  // Only the fields the gate reads; the rest of Electron's event is not used.
  const mainFrame = { url: frameUrl } as WebFrameMain;
  const sender = { mainFrame } as WebContents;
  return { sender, senderFrame: subframe ? ({ url: frameUrl } as WebFrameMain) : mainFrame } as IpcMainInvokeEvent;
}

describe('IPC gate', () => {
  it('registers exactly one handler per API request and no generic channel', () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpcGate(ipcMain, new WorkstationCore(), APP);
    expect([...handlers.keys()].sort()).toEqual(
      Object.keys(IpcRequests)
        .map((c) => `larmor:${c}`)
        .sort(),
    );
  });

  it('answers our main frame', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpcGate(ipcMain, new WorkstationCore(), APP);
    const result = (await handlers.get('larmor:state.current')!(event(`${APP}?gateway=x`), undefined)) as { ok: boolean; value: { link: { status: string } } };
    expect(result).toMatchObject({ ok: true, value: { link: { status: 'disconnected' } } });
  });

  it.each([
    ['another page', event('https://evil.example/')],
    ['a subframe of our page', event(APP, { subframe: true })],
    ['a frame that is gone', { sender: { mainFrame: { url: APP } } as WebContents, senderFrame: null } as IpcMainInvokeEvent],
  ])('refuses a request from %s before any handler runs', async (_name, ev) => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpcGate(ipcMain, new WorkstationCore(), APP);
    const result = await handlers.get('larmor:commands.send')!(ev, { name: 'scan.stop' });
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.IPC_SENDER_REJECTED } });
  });

  it('refuses a payload that does not match the request schema, with a code', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpcGate(ipcMain, new WorkstationCore(), APP);
    const result = await handlers.get('larmor:commands.send')!(event(APP), { name: 'scan.warp' });
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.IPC_INVALID_PAYLOAD } });
    const connect = await handlers.get('larmor:link.connect')!(event(APP), { url: 'http://x', role: 'operator', name: 'X' });
    expect(connect).toMatchObject({ ok: false, error: { code: ErrorCode.IPC_INVALID_PAYLOAD } });
  });
});

describe('pushes to the window (main/page-pushes.ts)', () => {
  /** webContents.send as the shell calls it, recorded in order. */
  function recordingContents() {
    const sent: [string, unknown][] = [];
    const mainFrame = { url: 'app://larmor/index.html' };
    const contents = Object.assign(new EventEmitter(), {
      isDestroyed: () => false,
      send: (channel: string, value: unknown) => void sent.push([channel, value]),
      ipc: new EventEmitter(),
      mainFrame,
    });
    /** The page's preload says it took `count` pushes; `frame`: another frame than the main one. */
    const took = (count: number, frame: object = mainFrame) => contents.ipc.emit(bridgeChannel.pushesTaken, { senderFrame: frame }, count);
    return { sent, took, emitter: contents, contents: contents as unknown as Pick<WebContents, 'send' | 'isDestroyed' | 'ipc' | 'on' | 'mainFrame'> };
  }

  it('sends an alarm raised after a log flood before the log entries waiting for the window', async () => {
    const core = new WorkstationCore();
    const desk = new Desk({ pinnedCore: core });
    // A site the alarm belongs to; nothing answers there (the link's own log entries are not what is counted).
    desk.connect({ url: 'ws://127.0.0.1:9/larmor', role: 'operator', name: 'Tech' }).catch(() => undefined);
    const { sent, contents } = recordingContents();
    forwardPushes(desk, contents, ['state', 'health', 'log', 'desk']);
    const at = new Date().toISOString();
    for (let i = 0; i < 900; i++) core.emit('log', { at, kind: 'notice', level: 'info', text: `flood ${i}` });
    core.record({
      type: 'notice',
      at,
      level: 'alarm',
      text: 'HELP CALLED',
      seq: 1,
      alarm: { kind: 'help-call', detail: 'the patient pressed the call button' },
    });
    const isAlarmDesk = ([channel, value]: [string, unknown]) =>
      channel === 'larmor:push:desk' && (value as DeskView).tiles.some((t) => t.alarms.some((a) => a.text === 'HELP CALLED'));
    const isFloodLog = ([channel, value]: [string, unknown]) => channel === 'larmor:push:log' && (value as LogEntry[]).some((e) => e.text.startsWith('flood '));
    await vi.waitFor(() => expect(sent.some(isAlarmDesk)).toBe(true));
    await vi.waitFor(() => expect(sent.some(isFloodLog)).toBe(true));
    expect(sent.findIndex(isAlarmDesk)).toBeLessThan(sent.findIndex(isFloodLog));
    // Every entry of the flood still arrives, in order, in a few batches.
    await vi.waitFor(() =>
      expect(
        sent
          .filter(isFloodLog)
          .flatMap(([, v]) => v as LogEntry[])
          .filter((e) => e.text.startsWith('flood ')),
      ).toHaveLength(900),
    );
    const flood = sent.filter(isFloodLog);
    expect(flood.length).toBeLessThanOrEqual(3);
    expect(
      flood
        .flatMap(([, v]) => v as LogEntry[])
        .filter((e) => e.text.startsWith('flood '))
        .map((e) => e.text),
    ).toEqual(Array.from({ length: 900 }, (_, i) => `flood ${i}`));
    desk.disconnect();
  });

  it('holds views and log batches back while the page has not taken 64 pushes, then sends the newest; a new page starts afresh', async () => {
    const core = new WorkstationCore();
    const { sent, took, emitter, contents } = recordingContents();
    forwardPushes(core, contents, ['state', 'log', 'media']);
    const base = core.view();
    const views = () => sent.filter(([channel]) => channel === 'larmor:push:state').map(([, v]) => (v as WorkstationView).link.name);
    // Media signaling is never held: 64 of it, none taken.
    for (let i = 0; i < 64; i++) core.emit('media', { type: 'media.member', member: { sessionId: `s${i}` } } as never);
    for (let i = 0; i < 100; i++) core.emit('state', { ...base, commands: [], link: { ...base.link, name: `n${i}` } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(views()).toEqual([]);
    // Said by another frame, or not a count: not the page's word.
    took(64, { url: 'https://elsewhere.example/' });
    took(Number.NaN);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(views()).toEqual([]);
    took(1);
    await vi.waitFor(() => expect(views()).toEqual(['n99']));
    // A page that took nothing, reloaded: the new one is sent to at once.
    for (let i = 0; i < 62; i++) core.emit('media', { type: 'media.member', member: { sessionId: `t${i}` } } as never);
    core.emit('state', { ...base, commands: [], link: { ...base.link, name: 'held' } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(views()).toEqual(['n99']);
    emitter.emit('did-finish-load');
    await vi.waitFor(() => expect(views()).toEqual(['n99', 'held']));
  });

  it('sends a bounded number of views for a burst of state changes, the newest last', async () => {
    const core = new WorkstationCore();
    const { sent, contents } = recordingContents();
    forwardPushes(core, contents, ['state', 'log']);
    const base = core.view();
    for (let i = 0; i < 1000; i++) core.emit('state', { ...base, commands: [], link: { ...base.link, name: `n${i}` } });
    await vi.waitFor(() => expect((sent.at(-1)?.[1] as WorkstationView | undefined)?.link.name).toBe('n999'));
    expect(sent.filter(([channel]) => channel === 'larmor:push:state').length).toBeLessThanOrEqual(3);
  });
});
