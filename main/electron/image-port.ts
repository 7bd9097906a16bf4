import { bridgeChannel, type PreviewImage } from '../../protocol/index.js';
import type { ShellElectron, WebContents } from './electron-api.js';

/** The channel the preload receives the page's image port on. */
const IMAGE_PORT_CHANNEL = bridgeChannel.imagePort;

export interface ImagePort {
  post(image: PreviewImage): void;
  close(): void;
}

/**
 * Preview images go to the page over their own MessagePort (Electron's "MessagePorts" guide),
 * not over IPC: the preload's bridge transport (preload/ipc-transport.ts) takes the port and its
 * listen('image') hands each image to the one bridge client, so the renderer subscribes exactly
 * as in the browser shell. A new port per page load (a reload drops the old one).
 */
export function openImagePort(contents: Pick<WebContents, 'postMessage'>, MessageChannelMain: ShellElectron['MessageChannelMain']): ImagePort {
  const { port1, port2 } = new MessageChannelMain();
  contents.postMessage(IMAGE_PORT_CHANNEL, null, [port2]);
  port1.start();
  return {
    post: (image) => port1.postMessage(image),
    close: () => port1.close(),
  };
}
