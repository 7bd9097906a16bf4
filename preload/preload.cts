/**
 * Electron preload (sandboxed, contextIsolation on): exposes a narrow, task-shaped
 * `window.larmor`. No generic invoke(channel) reaches the page; every function maps to one
 * channel that the main process validates (sender and payload) again.
 */
import electron = require('electron');
const { contextBridge, ipcRenderer } = electron;
import type { CommandView, ConnectRequest, LarmorApi, LogEntry, MediaClientMessage, MediaGatewayMessage, PreviewImage, ScannerCommand, WorkstationView } from '../protocol/index.js' with { 'resolution-mode': 'import' };

type Result = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

async function call<T>(channel: string, payload?: unknown): Promise<T> {
  const result = (await ipcRenderer.invoke(`larmor:${channel}`, payload)) as Result;
  if (result.ok) return result.value as T;
  throw Object.assign(new Error(result.error.message), { code: result.error.code });
}

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const handler = (_event: unknown, value: unknown) => listener(value as T);
  ipcRenderer.on(`larmor:push:${channel}`, handler);
  if (channel === 'state') void call<T>('state.current').then(listener);
  return () => ipcRenderer.removeListener(`larmor:push:${channel}`, handler);
}

const api: LarmorApi = {
  link: {
    connect: (request: ConnectRequest) => call<void>('link.connect', request),
    disconnect: () => call<void>('link.disconnect'),
  },
  commands: { send: (command: ScannerCommand) => call<CommandView>('commands.send', command) },
  state: { subscribe: (l: (v: WorkstationView) => void) => subscribe('state', l) },
  log: { subscribe: (l: (v: LogEntry) => void) => subscribe('log', l) },
  images: { subscribe: (l: (v: PreviewImage) => void) => subscribe('image', l) },
  media: {
    send: (message: MediaClientMessage) => call<void>('media.send', message),
    subscribe: (l: (v: MediaGatewayMessage) => void) => subscribe('media', l),
  },
};

contextBridge.exposeInMainWorld('larmor', api);
