import { ErrorCode, IpcPushes, IpcRequests, bridgeChannel, type BridgeResult, type IpcPushName, type IpcRequestName } from '../../protocol/index.js';
import { handleApiRequest, toApiError } from '../api-host.js';
import type { WorkstationCore } from '../core/workstation-core.js';
import type { Desk } from '../desk/desk.js';
import { NO_POLICY, type LoadedPolicy } from '../policy/machine-policy.js';
import type { IpcMainInvokeEvent, ShellElectron, WebContents } from './electron-api.js';
import { pageOf } from './security-policy.js';
import { pacePagePushes, type PagePushName, type PagePushes, type PushSource } from '../page-pushes.js';

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
 * unless told which (the shell sends images over a MessagePort instead, image-port.ts). Views,
 * health and the log are paced as in the browser shell (main/page-pushes.ts): webContents.send
 * structured-clones each value into a queue the page drains at its own speed, so an unpaced flood
 * of whole views would grow without bound here too.
 */
export function forwardPushes(
  source: Desk | WorkstationCore,
  webContents: Pick<WebContents, 'send' | 'isDestroyed'>,
  pushes: readonly IpcPushName[] = IpcPushes,
): PagePushes {
  const paced = pacePagePushes(
    source as unknown as PushSource,
    {
      send: (push, value) => {
        if (webContents.isDestroyed()) paced.stop();
        else webContents.send(bridgeChannel.push(push), value);
      },
    },
    pushes.filter((push): push is PagePushName => push !== 'image'),
  );
  if (pushes.includes('image')) {
    (source as unknown as PushSource).on('image' as PagePushName, (value: unknown) => {
      if (!webContents.isDestroyed()) webContents.send(bridgeChannel.push('image'), value);
    });
  }
  return paced;
}
