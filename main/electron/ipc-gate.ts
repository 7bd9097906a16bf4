import { ErrorCode, IpcPushes, IpcRequests, bridgeChannel, type BridgeResult, type IpcPushName, type IpcRequestName } from '../../protocol/index.js';
import { handleApiRequest, toApiError } from '../api-host.js';
import type { WorkstationCore } from '../core/workstation-core.js';
import type { Desk } from '../desk/desk.js';
import { NO_POLICY, type LoadedPolicy } from '../policy/machine-policy.js';
import type { IpcMainInvokeEvent, ShellElectron, WebContents } from './electron-api.js';
import { pageOf } from './security-policy.js';

/**
 * The only place ipcMain is used (house style: VS Code's validated ipcMain wrapper). A request
 * runs only when it comes from the main frame of our own window, showing our own page; then
 * its payload is schema-checked by handleApiRequest.
 */
function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>, appPageUrl: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  return pageOf(frame.url) === appPageUrl;
}

export function registerIpcGate(ipcMain: ShellElectron['ipcMain'], core: Desk | WorkstationCore, appPageUrl: string, policy: LoadedPolicy = NO_POLICY): void {
  for (const channel of Object.keys(IpcRequests) as IpcRequestName[]) {
    ipcMain.handle(bridgeChannel.request(channel), async (event, payload): Promise<BridgeResult> => {
      if (!isTrustedSender(event, appPageUrl)) {
        return { ok: false, error: { code: ErrorCode.IPC_SENDER_REJECTED, message: 'request from an untrusted frame' } };
      }
      try {
        return { ok: true, value: await handleApiRequest(core, channel, payload, policy) };
      } catch (err) {
        return { ok: false, error: toApiError(err) };
      }
    });
  }
}

/**
 * Core (or desk) events the renderer subscribes to, sent to the window on their push channels: every push
 * unless told which (the shell sends images over a MessagePort instead, image-port.ts).
 */
export function forwardPushes(
  source: Desk | WorkstationCore,
  webContents: Pick<WebContents, 'send' | 'isDestroyed'>,
  pushes: readonly IpcPushName[] = IpcPushes,
): void {
  // A core has no desk push; a desk has every push (the console's from its focused core).
  const emitter = source as unknown as { on(event: IpcPushName, listener: (value: unknown) => void): void };
  for (const push of pushes) {
    emitter.on(push, (value: unknown) => {
      if (!webContents.isDestroyed()) webContents.send(bridgeChannel.push(push), value);
    });
  }
}
