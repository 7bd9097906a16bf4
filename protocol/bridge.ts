import { z } from 'zod';
import {
  IpcRequests,
  type CommandView,
  type ConnectRequest,
  type IpcPushName,
  type IpcRequestName,
  type LarmorApi,
  type LogEntry,
  type PreviewImage,
  type Unsubscribe,
  type WorkstationView,
} from './api.js';
import type { ScannerCommand } from './commands.js';
import { codeOf, ErrorCode, LarmorError } from './errors.js';
import type { PolicyView } from './policy.js';
import type { MediaClientMessage, MediaGatewayMessage } from './signaling.js';
import type { ImageFetchOutcome, ImageFetchRequest } from './exam-images.js';
import type { DeskConnectRequest, DeskView, SiteId } from './desk.js';
import type { CollabAction } from './collaboration.js';
import type { CollabOutcome } from './api.js';

/**
 * The renderer bridge, described once: channel names, the envelope every answer travels in, the
 * transport seam, and `createLarmorClient`, the one implementation of `window.larmor` on top of a
 * transport. The Electron preload (ipcRenderer) and the browser-shell shim (WebSocket) differ only
 * in their transport, so the renderer cannot tell them apart (docs/architecture.md "Bridge").
 */

/** Electron IPC channel of a request (ipcMain.handle) and of a push (webContents.send). */
export const bridgeChannel = {
  request: (name: IpcRequestName) => `larmor:${name}`,
  push: (name: IpcPushName) => `larmor:push:${name}`,
  /** Electron: the main process sends the page's image MessagePort on this channel (one per page load). */
  imagePort: 'larmor:image-port',
} as const;

/** The browser shell: WebSocket path of the bridge, and the meta tag that carries its launch token. */
export const BROWSER_BRIDGE_PATH = '/bridge';
export const BRIDGE_TOKEN_META = 'larmor-bridge-token';

const CodedErrorShape = z.object({ code: z.string(), message: z.string() });

/** The answer to one request, over either transport. */
export const BridgeResult = z.discriminatedUnion('ok', [
  // Optional: a request answered with nothing (link.connect, media.send) arrives as JSON without `value`.
  z.object({ ok: z.literal(true), value: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: CodedErrorShape }),
]);
export type BridgeResult = z.infer<typeof BridgeResult>;

/** Browser shell, page to core: one request; `id` pairs it with its reply. */
export const BrowserBridgeRequest = z.object({ id: z.number().int().nonnegative(), channel: z.string(), payload: z.unknown().optional() });
export type BrowserBridgeRequest = z.infer<typeof BrowserBridgeRequest>;

/**
 * Browser shell, core to page, as JSON text: a reply (`id` null when the request could not be
 * read at all) or a push. Images are not JSON: they come as binary frames (protocol/preview-frame.ts).
 */
export const BrowserBridgeFrame = z.union([
  z.object({ id: z.number().int().nullable() }).and(BridgeResult),
  z.object({ push: z.enum(['state', 'log', 'media', 'desk']), value: z.unknown() }),
]);
export type BrowserBridgeFrame = z.infer<typeof BrowserBridgeFrame>;

/**
 * What a shell provides. `request` resolves with the envelope (it rejects only when the transport
 * itself fails); `listen` delivers one push channel. A transport may deliver some pushes another
 * way (images over a MessagePort, say) as long as `listen('image')` hands them over.
 */
export interface BridgeTransport {
  request(channel: IpcRequestName, payload?: unknown): Promise<BridgeResult>;
  listen(push: IpcPushName, listener: (value: unknown) => void): Unsubscribe;
}

/**
 * `window.larmor` over a transport. Replay on subscribe, the same for every shell: a state
 * subscriber first receives the current view (the last one pushed, else `state.current`), then
 * every change, and never an older view after a newer one (the desk view likewise, from
 * `desk.current`); a log subscriber first receives the recent log (`log.recent`), then every new
 * entry; image and media subscribers receive only what arrives after they subscribe.
 */
export function createLarmorClient(transport: BridgeTransport): LarmorApi {
  async function call<T>(channel: IpcRequestName, payload?: unknown): Promise<T> {
    if (!Object.hasOwn(IpcRequests, channel)) throw new LarmorError(ErrorCode.IPC_INVALID_PAYLOAD, `unknown API request ${channel}`);
    const result = BridgeResult.parse(await transport.request(channel, payload));
    if (result.ok) return result.value as T;
    throw new LarmorError(codeOf(result.error), result.error.message);
  }

  /**
   * A pushed view with replay: a subscriber first receives the current view (the last pushed,
   * else the answer to `current`), then every change, never an older view after a newer one.
   */
  function replaying<T>(push: 'state' | 'desk', current: 'state.current' | 'desk.current'): (listener: (view: T) => void) => Unsubscribe {
    let last: T | null = null;
    /** Each listener, and whether it has been given a view yet. */
    const listeners = new Map<(view: T) => void, { given: boolean }>();
    transport.listen(push, (value) => {
      last = value as T;
      for (const [listener, mark] of listeners) {
        mark.given = true;
        listener(last);
      }
    });
    return (listener) => {
      const mark = { given: false };
      listeners.set(listener, mark);
      if (last) {
        mark.given = true;
        listener(last);
      } else {
        void call<T>(current).then(
          (view) => {
            // A push that came while asking is newer than this answer and was given already.
            last ??= view;
            if (listeners.get(listener) !== mark || mark.given) return;
            mark.given = true;
            listener(last);
          },
          () => undefined,
        );
      }
      return () => {
        if (listeners.get(listener) === mark) listeners.delete(listener);
      };
    };
  }
  const subscribeState = replaying<WorkstationView>('state', 'state.current');
  const subscribeDesk = replaying<DeskView>('desk', 'desk.current');

  /**
   * The log with replay: the recent entries, then each new one, none twice. Entries pushed while
   * `log.recent` is asked are held; those the answer already holds are dropped (matched as equal
   * entries, counted, so a repeated line is not lost), and the rest follow the answer in order.
   */
  function subscribeLog(listener: (entry: LogEntry) => void): Unsubscribe {
    let held: LogEntry[] | null = [];
    let stopped = false;
    const stopListening = transport.listen('log', (value) => {
      if (held) held.push(value as LogEntry);
      else listener(value as LogEntry);
    });
    const release = (recent: readonly LogEntry[]) => {
      const pushed = held ?? [];
      held = null;
      if (stopped) return;
      const answered = new Map<string, number>();
      for (const entry of recent) {
        const key = JSON.stringify(entry);
        answered.set(key, (answered.get(key) ?? 0) + 1);
        listener(entry);
      }
      for (const entry of pushed) {
        const key = JSON.stringify(entry);
        const count = answered.get(key) ?? 0;
        if (count > 0) answered.set(key, count - 1);
        else listener(entry);
      }
    };
    void call<LogEntry[]>('log.recent').then(release, () => release([]));
    return () => {
      stopped = true;
      stopListening();
    };
  }

  function subscribe<T>(push: Exclude<IpcPushName, 'state' | 'desk' | 'log'>, listener: (value: T) => void): Unsubscribe {
    return transport.listen(push, (value) => listener(value as T));
  }

  return {
    link: {
      connect: (request: ConnectRequest) => call<void>('link.connect', request),
      disconnect: () => call<void>('link.disconnect'),
    },
    commands: { send: (command: ScannerCommand) => call<CommandView>('commands.send', command) },
    state: { subscribe: subscribeState },
    log: { subscribe: subscribeLog },
    images: {
      subscribe: (listener: (image: PreviewImage) => void) => subscribe('image', listener),
      fetch: (request: ImageFetchRequest) => call<ImageFetchOutcome>('images.fetch', request),
    },
    media: {
      send: (message: MediaClientMessage) => call<void>('media.send', message),
      subscribe: (listener: (message: MediaGatewayMessage) => void) => subscribe('media', listener),
    },
    policy: { current: () => call<PolicyView>('policy.current') },
    desk: {
      connect: (request: DeskConnectRequest) => call<void>('desk.connect', request),
      focus: (siteId: SiteId) => call<void>('desk.focus', { siteId }),
      acknowledge: (siteId: SiteId, alarmId: string) => call<void>('desk.acknowledge', { siteId, alarmId }),
      subscribe: subscribeDesk,
    },
    collab: { send: (action: CollabAction) => call<CollabOutcome>('collab.send', action) },
  };
}
