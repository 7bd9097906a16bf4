/**
 * Browser-shell implementation of window.larmor: the same API the Electron preload exposes,
 * carried over a WebSocket to the workstation core that served this page. Loaded before the
 * renderer's own script; the renderer cannot tell the two apart.
 */
import type { CommandView, ConnectRequest, LarmorApi, LogEntry, MediaClientMessage, MediaGatewayMessage, PolicyView, PreviewImage, ScannerCommand, Unsubscribe, WorkstationView } from '../protocol/index.js';
import { decodePreviewFrame } from '../protocol/preview-frame.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

class BridgeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function createBridge(): LarmorApi {
  const token = document.querySelector('meta[name="larmor-bridge-token"]')?.getAttribute('content') ?? '';
  const pending = new Map<number, Pending>();
  const listeners = { state: new Set<(v: WorkstationView) => void>(), log: new Set<(v: LogEntry) => void>(), image: new Set<(v: PreviewImage) => void>(), media: new Set<(v: MediaGatewayMessage) => void>() };
  let lastState: WorkstationView | null = null;
  let nextId = 1;
  const ws = new WebSocket(`ws://${location.host}/bridge?token=${encodeURIComponent(token)}`);
  ws.binaryType = 'arraybuffer';
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new BridgeError('LARMOR_E_LINK_DOWN', 'the workstation core is not reachable')));
  });
  opened.catch(() => undefined);

  ws.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
    if (typeof event.data !== 'string') {
      // The page owns this buffer: the image keeps it as its pixels, with no copy (protocol/preview-frame.ts).
      const image = decodePreviewFrame(event.data, { shareBuffer: true });
      for (const l of listeners.image) l(image);
      return;
    }
    const message = JSON.parse(event.data) as { id?: number | null; ok?: boolean; value?: unknown; error?: { code: string; message: string }; push?: string };
    if (message.push === 'state') {
      lastState = message.value as WorkstationView;
      for (const l of listeners.state) l(lastState);
    } else if (message.push === 'log') {
      for (const l of listeners.log) l(message.value as LogEntry);
    } else if (message.push === 'media') {
      for (const l of listeners.media) l(message.value as MediaGatewayMessage);
    } else if (typeof message.id === 'number') {
      const p = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) p?.resolve(message.value);
      else p?.reject(new BridgeError(message.error?.code ?? 'LARMOR_E_INTERNAL', message.error?.message ?? 'request failed'));
    }
  });
  ws.addEventListener('close', () => {
    for (const p of pending.values()) p.reject(new BridgeError('LARMOR_E_LINK_DOWN', 'the workstation core closed the bridge'));
    pending.clear();
  });

  async function request<T>(channel: string, payload?: unknown): Promise<T> {
    await opened;
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(JSON.stringify({ id, channel, payload }));
    });
  }

  function subscribe<T>(set: Set<(v: T) => void>, listener: (v: T) => void, replay?: T | null): Unsubscribe {
    set.add(listener);
    if (replay) listener(replay);
    return () => set.delete(listener);
  }

  return {
    link: {
      connect: (req: ConnectRequest) => request<void>('link.connect', req),
      disconnect: () => request<void>('link.disconnect'),
    },
    commands: { send: (command: ScannerCommand) => request<CommandView>('commands.send', command) },
    state: { subscribe: (l) => subscribe(listeners.state, l, lastState) },
    log: { subscribe: (l) => subscribe(listeners.log, l) },
    images: { subscribe: (l) => subscribe(listeners.image, l) },
    media: {
      send: (message: MediaClientMessage) => request<void>('media.send', message),
      subscribe: (l) => subscribe(listeners.media, l),
    },
    policy: { current: () => request<PolicyView>('policy.current') },
  };
}

Object.defineProperty(window, 'larmor', { value: Object.freeze(createBridge()), writable: false, configurable: false });
