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
  /**
   * Electron: the preload tells the main process how many pushes it has taken since it last said
   * (a count), so the main process holds views back from a page that takes none
   * (main/electron/ipc-gate.ts); webContents.send has no backpressure of its own.
   */
  pushesTaken: 'larmor:pushes-taken',
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
  z.object({ push: z.enum(['state', 'log', 'media', 'desk', 'health']), value: z.unknown() }),
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
 * entry, in batches; image and media subscribers receive only what arrives after they subscribe.
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
  function replaying<T>(
    push: 'state' | 'desk',
    current: 'state.current' | 'desk.current',
    fold?: { push: 'health'; into: (last: T, value: unknown) => T },
  ): (listener: (view: T) => void) => Unsubscribe {
    let last: T | null = null;
    /** Each listener, and whether it has been given a view yet. */
    const listeners = new Map<(view: T) => void, { given: boolean }>();
    const give = (view: T) => {
      last = view;
      for (const [listener, mark] of listeners) {
        mark.given = true;
        listener(view);
      }
    };
    transport.listen(push, (value) => give(value as T));
    // A part of the view pushed on its own (link health, twice a second): the last view with it
    // replaced, so subscribers still see whole views while the whole view is not sent again.
    // Before any view there is nothing to fold into; the `current` answer carries it.
    if (fold)
      transport.listen(fold.push, (value) => {
        if (last) give(fold.into(last, value));
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
  const subscribeState = replaying<WorkstationView>('state', 'state.current', {
    push: 'health',
    into: (view, health) => ({ ...view, health: health as WorkstationView['health'] }),
  });
  const subscribeDesk = replaying<DeskView>('desk', 'desk.current');

  /**
   * The log with replay, in batches: the recent entries, then each new one, none twice. Batches
   * pushed while `log.recent` is asked are held; entries the answer already holds are dropped
   * (matched as equal entries, counted, so a repeated line is not lost), and the rest follow the
   * answer in order, in the same batch.
   */
  function subscribeLog(listener: (entries: readonly LogEntry[]) => void): Unsubscribe {
    let held: LogEntry[] | null = [];
    let stopped = false;
    const stopListening = transport.listen('log', (value) => {
      const batch = value as LogEntry[];
      if (held) held.push(...batch);
      else if (batch.length > 0) listener(batch);
    });
    const release = (recent: readonly LogEntry[]) => {
      const pushed = held ?? [];
      held = null;
      if (stopped) return;
      const answered = new Map<string, number>();
      for (const entry of recent) {
        const key = JSON.stringify(entry);
        answered.set(key, (answered.get(key) ?? 0) + 1);
      }
      const fresh = pushed.filter((entry) => {
        const key = JSON.stringify(entry);
        const count = answered.get(key) ?? 0;
        if (count > 0) answered.set(key, count - 1);
        return count === 0;
      });
      const first = [...recent, ...fresh];
      if (first.length > 0) listener(first);
    };
    void call<LogEntry[]>('log.recent').then(release, () => release([]));
    return () => {
      stopped = true;
      stopListening();
    };
  }

  function subscribe<T>(push: Exclude<IpcPushName, 'state' | 'desk' | 'log' | 'health'>, listener: (value: T) => void): Unsubscribe {
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
