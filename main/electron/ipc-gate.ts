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
 * Pushes sent to the page and not yet counted taken by its preload (preload/ipc-transport.ts)
 * beyond which views and log batches wait in the pacer, the newest view of each kind only.
 * Some 15 pushes go in a busy second; a page that takes none (a long task, a debugger) would
 * otherwise have every push queue up for it.
 */
const PUSHES_IN_FLIGHT = 64;

/**
 * Core (or desk) events the renderer subscribes to, sent to the window on their push channels: every push
 * unless told which (the shell sends images over a MessagePort instead, image-port.ts). Views,
 * health and the log are paced as in the browser shell (main/page-pushes.ts): webContents.send
 * structured-clones each value into a queue the page drains at its own speed, so an unpaced flood
 * of whole views would grow without bound here too. The page's preload counts what it takes
 * (`bridgeChannel.pushesTaken`), as the browser shell's page socket shows its backlog: while
 * PUSHES_IN_FLIGHT are not taken, views and log batches wait.
 */
export function forwardPushes(
  source: Desk | WorkstationCore,
  webContents: Pick<WebContents, 'send' | 'isDestroyed' | 'ipc' | 'on' | 'mainFrame'>,
  pushes: readonly IpcPushName[] = IpcPushes,
): PagePushes {
  let sent = 0;
  let taken = 0;
  webContents.ipc.on(bridgeChannel.pushesTaken, (event, count: unknown) => {
    if (event.senderFrame !== webContents.mainFrame || !Number.isSafeInteger(count) || (count as number) <= 0) return;
    taken = Math.min(sent, taken + (count as number));
  });
  // A new page has taken nothing and been sent nothing: what the last one was sent went with it.
  webContents.on('did-finish-load', () => (sent = taken = 0));
  const paced = pacePagePushes(
    source as unknown as PushSource,
    {
      send: (push, value) => {
        if (webContents.isDestroyed()) return paced.stop();
        sent++;
        webContents.send(bridgeChannel.push(push), value);
      },
      ready: () => sent - taken < PUSHES_IN_FLIGHT,
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
