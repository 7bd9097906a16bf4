import type { IpcPushName } from '../protocol/api.js';
import { BrowserBridgeFrame, type BridgeResult, type BridgeTransport } from '../protocol/bridge.js';
import { ErrorCode } from '../protocol/errors.js';
import { PreviewFrameAssembler } from '../protocol/preview-frame.js';

/** The part of a WebSocket the bridge uses: the browser's, or the `ws` package's in tests. */
export interface WebSocketLike {
  binaryType: string;
  /** 1 is OPEN, in the browser's WebSocket and in `ws` alike. */
  readonly readyState: number;
  send(data: string): void;
  addEventListener(type: 'open' | 'error' | 'close', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

function linkDown(message: string): BridgeResult {
  return { ok: false, error: { code: ErrorCode.LINK_DOWN, message } };
}

/**
 * The browser-shell transport: JSON requests and replies paired by id, JSON pushes, and images
 * as binary frames (protocol/preview-frame.ts): one whose buffer the page keeps as the image's
 * pixels, or a large image's parts, put together.
 */
export function webSocketTransport(ws: WebSocketLike): BridgeTransport {
  ws.binaryType = 'arraybuffer';
  const pending = new Map<number, (result: BridgeResult) => void>();
  const listeners: Record<IpcPushName, Set<(value: unknown) => void>> = {
    state: new Set(),
    log: new Set(),
    image: new Set(),
    media: new Set(),
    desk: new Set(),
    health: new Set(),
  };
  let nextId = 1;
  let closed = false;
  const opened = new Promise<boolean>((resolve) => {
    if (ws.readyState === 1) resolve(true);
    ws.addEventListener('open', () => resolve(true));
    ws.addEventListener('error', () => resolve(false));
    ws.addEventListener('close', () => resolve(false));
  });

  const images = new PreviewFrameAssembler();
  ws.addEventListener('message', (event) => {
    if (event.data instanceof ArrayBuffer) {
      const image = images.add(event.data);
      if (image) for (const listener of listeners.image) listener(image);
      return;
    }
    if (typeof event.data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      return; // the core only sends JSON; anything else is not ours to act on
    }
    const frame = BrowserBridgeFrame.safeParse(json);
    if (!frame.success) return;
    if ('push' in frame.data) {
      for (const listener of listeners[frame.data.push]) listener(frame.data.value);
    } else if (frame.data.id !== null) {
      const settle = pending.get(frame.data.id);
      pending.delete(frame.data.id);
      const { id: _id, ...result } = frame.data;
      settle?.(result as BridgeResult);
    }
  });
  ws.addEventListener('close', () => {
    closed = true;
    for (const settle of pending.values()) settle(linkDown('the workstation core closed the bridge'));
    pending.clear();
  });

  return {
    async request(channel, payload) {
      if (!(await opened) || closed) return linkDown('the workstation core is not reachable');
      const id = nextId++;
      return new Promise<BridgeResult>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, channel, payload }));
      });
    },
    listen(push, listener) {
      listeners[push].add(listener);
      return () => void listeners[push].delete(listener);
    },
  };
}
