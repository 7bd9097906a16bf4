import { ErrorCode, IpcPushes, IpcRequests, bridgeChannel, type BridgeResult, type IpcRequestName } from '../../protocol/index.js';
import { handleApiRequest, toApiError } from '../api-host.js';
import type { WorkstationCore } from '../core/workstation-core.js';
import type { ElectronMain, IpcMainInvokeEvent, WebContents } from './electron-api.js';
import { pageOf } from './security-policy.js';

/**
 * The only place ipcMain is used (house style: VS Code's validated ipcMain wrapper). A request
 * runs only when it comes from the main frame of our own window, showing our own page; then
 * its payload is schema-checked by handleApiRequest.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, appPageUrl: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  return pageOf(frame.url) === appPageUrl;
}

export function registerIpcGate(ipcMain: ElectronMain['ipcMain'], core: WorkstationCore, appPageUrl: string): void {
  for (const channel of Object.keys(IpcRequests) as IpcRequestName[]) {
    ipcMain.handle(bridgeChannel.request(channel), async (event, payload): Promise<BridgeResult> => {
      if (!isTrustedSender(event, appPageUrl)) {
        return { ok: false, error: { code: ErrorCode.IPC_SENDER_REJECTED, message: 'request from an untrusted frame' } };
      }
      try {
        return { ok: true, value: await handleApiRequest(core, channel, payload) };
      } catch (err) {
        return { ok: false, error: toApiError(err) };
      }
    });
  }
}

/** Every core event the renderer subscribes to, sent to the window on its push channel. */
export function forwardPushes(core: WorkstationCore, webContents: Pick<WebContents, 'send' | 'isDestroyed'>): void {
  for (const push of IpcPushes) {
    core.on(push, (value: unknown) => {
      if (!webContents.isDestroyed()) webContents.send(bridgeChannel.push(push), value);
    });
  }
}
