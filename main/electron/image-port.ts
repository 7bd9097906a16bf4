import type { PreviewImage } from '../../protocol/index.js';
import type { ShellElectron, WebContents } from './electron-api.js';

/** The channel the preload receives the page's image port on. */
export const IMAGE_PORT_CHANNEL = 'larmor:image-port';

export interface ImagePort {
  post(image: PreviewImage): void;
  close(): void;
}

/**
 * Preview images go to the page over their own MessagePort (Electron's "MessagePorts" guide,
 * "Communicating directly between the main process and the main world of a context-isolated
 * page"): the preload hands the port on to the page, so an image crosses from this process into
 * the page once, instead of being cloned by IPC into the preload and again by the context
 * bridge. A new port per page load (a reload drops the old one).
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
