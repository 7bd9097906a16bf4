import { BridgeResult, bridgeChannel, type BridgeTransport } from '../protocol/bridge.js';
import { IpcPushes } from '../protocol/api.js';

/** The part of a MessagePort the transport uses (a DOM MessagePort in the preload). */
interface ImagePortLike {
  onmessage: ((message: { data: unknown }) => void) | null;
  close(): void;
}

/** The part of Electron's ipcRenderer the bridge uses; a recording stand-in implements it in tests. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
}

/**
 * The Electron transport: one ipcMain.handle channel per request, one webContents.send channel
 * per push, except preview images. Those come over a MessagePort that the main process sends on
 * `larmor:image-port` at each page load (main/electron/image-port.ts), so a pixel buffer is never
 * cloned through IPC; `listen('image')` hands over what arrives on the newest port. Only the main
 * process can send on an ipcRenderer channel, so no frame or page can slip in a port of its own.
 */
export function ipcTransport(ipc: IpcRendererLike): BridgeTransport {
  acknowledgePushes(ipc);
  const imageListeners = new Set<(value: unknown) => void>();
  let imagePort: ImagePortLike | null = null;
  ipc.on(bridgeChannel.imagePort, (event) => {
    const port = (event as { ports?: readonly ImagePortLike[] } | null)?.ports?.[0];
    if (!port) return;
    imagePort?.close();
    imagePort = port;
    port.onmessage = (message) => {
      for (const listener of imageListeners) listener(message.data);
    };
  });
  return {
    request: async (channel, payload) => BridgeResult.parse(await ipc.invoke(bridgeChannel.request(channel), payload)),
    listen(push, listener) {
      if (push === 'image') {
        imageListeners.add(listener);
        return () => void imageListeners.delete(listener);
      }
      const handler = (_event: unknown, value: unknown) => listener(value);
      ipc.on(bridgeChannel.push(push), handler);
      return () => ipc.removeListener(bridgeChannel.push(push), handler);
    },
  };
}

/** Pushes taken before the count is sent at once; fewer are sent after ACK_AFTER_MS. */
const ACK_EVERY = 16;
const ACK_AFTER_MS = 20;

/**
 * Counts every push message this page's main thread takes, whoever listens to it, and tells the
 * main process (`bridgeChannel.pushesTaken`): a page that runs no task (a long one, a debugger)
 * takes none, and the main process then holds its views back (main/electron/ipc-gate.ts).
 */
function acknowledgePushes(ipc: IpcRendererLike): void {
  let taken = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const tell = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (taken > 0) ipc.send(bridgeChannel.pushesTaken, taken);
    taken = 0;
  };
  const count = () => {
    if (++taken >= ACK_EVERY) tell();
    else timer ??= setTimeout(tell, ACK_AFTER_MS);
  };
  for (const push of IpcPushes) if (push !== 'image') ipc.on(bridgeChannel.push(push), count);
}
