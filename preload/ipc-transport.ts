import { BridgeResult, bridgeChannel, type BridgeTransport } from '../protocol/bridge.js';

/** The part of Electron's ipcRenderer the bridge uses; a recording stand-in implements it in tests. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
}

/** The Electron transport: one ipcMain.handle channel per request, one webContents.send channel per push. */
export function ipcTransport(ipc: IpcRendererLike): BridgeTransport {
  return {
    request: async (channel, payload) => BridgeResult.parse(await ipc.invoke(bridgeChannel.request(channel), payload)),
    listen(push, listener) {
      const handler = (_event: unknown, value: unknown) => listener(value);
      ipc.on(bridgeChannel.push(push), handler);
      return () => ipc.removeListener(bridgeChannel.push(push), handler);
    },
  };
}
