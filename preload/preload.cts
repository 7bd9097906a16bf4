/**
 * Electron preload (sandboxed, contextIsolation on): builds a narrow, task-shaped
 * `window.larmor`. No generic invoke(channel) reaches the page; every function maps to one
 * channel that the main process validates (sender and payload) again.
 *
 * Preview images do not take the IPC path: the main process sends a MessagePort (channel
 * larmor:image-port), this preload hands it straight on to the page's own world, and images
 * arrive there from the main process with one copy instead of one per hop (IPC, then the
 * context bridge). So `images.subscribe` must live in the page's world: the whole API object is
 * assembled there by `installInPage`, from the bridged functions.
 */
import electron = require('electron');
const { contextBridge, ipcRenderer } = electron;
import type { CommandView, ConnectRequest, LarmorApi, LogEntry, MediaClientMessage, MediaGatewayMessage, PolicyView, PreviewImage, ScannerCommand, WorkstationView } from '../protocol/index.js' with { 'resolution-mode': 'import' };

type Result = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** The message the port travels in from this world to the page's (checked there). */
const IMAGE_PORT_TAG = 'larmor:image-port';

async function call<T>(channel: string, payload?: unknown): Promise<T> {
  const result = (await ipcRenderer.invoke(`larmor:${channel}`, payload)) as Result;
  if (result.ok) return result.value as T;
  throw Object.assign(new Error(result.error.message), { code: result.error.code });
}

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const handler = (_event: unknown, value: unknown) => listener(value as T);
  ipcRenderer.on(`larmor:push:${channel}`, handler);
  if (channel === 'state') void call<T>('state.current').then(listener);
  return () => void ipcRenderer.removeListener(`larmor:push:${channel}`, handler);
}

const bridged: Omit<LarmorApi, 'images'> = {
  link: {
    connect: (request: ConnectRequest) => call<void>('link.connect', request),
    disconnect: () => call<void>('link.disconnect'),
  },
  commands: { send: (command: ScannerCommand) => call<CommandView>('commands.send', command) },
  state: { subscribe: (l: (v: WorkstationView) => void) => subscribe('state', l) },
  log: { subscribe: (l: (v: LogEntry) => void) => subscribe('log', l) },
  media: {
    send: (message: MediaClientMessage) => call<void>('media.send', message),
    subscribe: (l: (v: MediaGatewayMessage) => void) => subscribe('media', l),
  },
  policy: { current: () => call<PolicyView>('policy.current') },
};

/**
 * Runs in the page's world (serialised by executeInMainWorld: it may use nothing from this
 * file's scope). Receives the image port only from this window itself (a frame or another
 * origin cannot post as `window`), and defines window.larmor once, frozen and non-configurable.
 */
function installInPage(api: Omit<LarmorApi, 'images'>, tag: string): void {
  const listeners = new Set<(image: PreviewImage) => void>();
  let port: MessagePort | null = null;
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== window || event.origin !== window.location.origin) return;
    if ((event.data as { larmor?: unknown } | null)?.larmor !== tag || !event.ports[0]) return;
    port?.close();
    port = event.ports[0];
    port.onmessage = (message: MessageEvent<PreviewImage>) => {
      for (const listener of listeners) listener(message.data);
    };
  });
  const images = Object.freeze({
    subscribe(listener: (image: PreviewImage) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  });
  Object.defineProperty(window, 'larmor', { value: Object.freeze({ ...api, images }), writable: false, configurable: false, enumerable: true });
}

contextBridge.executeInMainWorld({ func: installInPage, args: [bridged, IMAGE_PORT_TAG] });
ipcRenderer.on(IMAGE_PORT_TAG, (event) => {
  window.postMessage({ larmor: IMAGE_PORT_TAG }, window.location.origin, [...event.ports]);
});
