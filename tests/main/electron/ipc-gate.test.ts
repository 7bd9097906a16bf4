import { describe, expect, it } from 'vitest';
import { ErrorCode, IpcRequests } from '../../../protocol/index.js';
import { WorkstationCore } from '../../../main/core/workstation-core.js';
import type { IpcMainInvokeEvent, ShellElectron, WebContents, WebFrameMain } from '../../../main/electron/electron-api.js';
import { registerIpcGate } from '../../../main/electron/ipc-gate.js';

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
