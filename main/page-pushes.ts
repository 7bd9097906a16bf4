import type { DeskView, HealthView, IpcPushName, LogEntry, WorkstationView } from '../protocol/index.js';

/** The pushes a shell sends its page as messages (images go their own way: binary frames, a MessagePort). */
export type PagePushName = Exclude<IpcPushName, 'image'>;

/** Where pushes go: the browser shell's page socket, or the Electron window's webContents. */
export interface PageSink {
  send(push: PagePushName, value: unknown): void;
  /**
   * Whether the page has taken what was sent so far. The browser shell answers from its socket's
   * bufferedAmount; while it is false, views and log batches wait here (only the newest view is
   * kept) and go once it drains. Without it (Electron's webContents.send has no such signal) the
   * interval alone paces the page.
   */
  ready?(): boolean;
}

/** What pushes come from: a desk (the console's events plus `desk`) or a single core. */
export interface PushSource {
  on(event: PagePushName, listener: (value: never) => void): unknown;
  off(event: PagePushName, listener: (value: never) => void): unknown;
}

export interface PagePushOptions {
  /** At most one view push (state, health, desk) and one log batch per this interval (default PUSH_INTERVAL_MS). */
  intervalMs?: number;
  /** Log entries waiting for the page beyond which the oldest are dropped (default LOG_QUEUE_LIMIT). */
  logQueueLimit?: number;
  /** Log entries in one push at most (default LOG_BATCH_LIMIT). */
  logBatchLimit?: number;
}

/**
 * One view push per frame or three: the page cannot show more, and each whole view costs the
 * core a JSON encoding (browser shell) or a structured clone (Electron) of chat, marks,
 * proposals and the exam catalogue (docs/architecture.md "Pushes to the window").
 */
const PUSH_INTERVAL_MS = 50;
/**
 * The renderer keeps the newest 1,000 log entries (renderer/src/store/log-slice.ts LOG_CAPACITY):
 * more waiting than that would only be dropped by the page after crossing to it. Every entry
 * is in the journal whatever the page is shown.
 */
const LOG_QUEUE_LIMIT = 1000;
const LOG_BATCH_LIMIT = 500;

/** The pacers sending each source's pushes, for sendWaitingLog. */
const pacersOf = new WeakMap<object, Set<{ sendLog(): void }>>();

/**
 * Send the log entries waiting in every pacer of this source now, whatever the interval: called
 * before `log.recent` is answered, so a push of entries the answer holds never comes after it
 * (protocol/bridge.ts holds pushes while it asks, then drops the ones the answer repeats).
 */
export function sendWaitingLog(source: object): void {
  for (const pacer of pacersOf.get(source) ?? []) pacer.sendLog();
}

export interface PagePushes {
  /** A value to push as if the source had emitted it (a page's first views). */
  offer(push: PagePushName, value: unknown): void;
  /** Stop listening and drop what waits (the page is gone). */
  stop(): void;
}

/**
 * The one owner of what the core pushes to the window, shared by both shells
 * (docs/architecture.md "Pushes to the window"). Views (state, desk) are latest-wins: memory
 * toward the page is one pending view of each kind whatever the event rate. Link health goes
 * as its own small push (the page folds it into the last view, protocol/bridge.ts), never as a
 * whole view. Log entries go in batches, in order, with a bounded queue. A desk view carrying
 * an alarm the page has not been sent goes at once, before anything waiting here: the newest
 * desk view holds every open alarm, so coalescing desk views never loses one. Media signaling
 * is neither coalesced nor delayed: every message of it counts, and the gateway bounds its rate.
 */
export function pacePagePushes(source: PushSource, sink: PageSink, pushes: readonly PagePushName[], options: PagePushOptions = {}): PagePushes {
  const intervalMs = options.intervalMs ?? PUSH_INTERVAL_MS;
  const logQueueLimit = options.logQueueLimit ?? LOG_QUEUE_LIMIT;
  const logBatchLimit = options.logBatchLimit ?? LOG_BATCH_LIMIT;
  const ready = () => sink.ready?.() ?? true;

  let state: WorkstationView | null = null;
  let health: HealthView | null = null;
  let desk: DeskView | null = null;
  let log: LogEntry[] = [];
  /** Alarm ids of desk views already sent: a desk view with any other one is urgent. */
  let alarmsSent = new Set<string>();
  /** An urgent desk view overtakes a page that has not taken the last ones only once until it has. */
  let overtook = false;
  let timer: NodeJS.Timeout | null = null;
  let urgent: NodeJS.Immediate | null = null;
  let lastFlush = 0;
  let stopped = false;

  const schedule = () => {
    if (timer || stopped) return;
    timer = setTimeout(flush, Math.max(0, lastFlush + intervalMs - Date.now()));
    timer.unref?.();
  };

  const sendDesk = () => {
    if (!desk) return;
    alarmsSent = new Set(desk.tiles.flatMap((t) => t.alarms.map((a) => a.id)));
    sink.send('desk', desk);
    desk = null;
  };

  function flush(): void {
    timer = null;
    if (stopped) return;
    if (!ready()) {
      // The page is still taking what was sent: the newest view waits here, not in its socket.
      schedule();
      return;
    }
    overtook = false;
    lastFlush = Date.now();
    sendDesk();
    if (state) sink.send('state', state);
    // The view just sent carries the newest health; a health figure after it goes on its own.
    if (health) sink.send('health', health);
    state = health = null;
    if (log.length > 0) sink.send('log', log.splice(0, logBatchLimit));
    if (log.length > 0) schedule();
  }

  /** An alarm is never held back by the pacing, nor queued behind log entries waiting here. */
  const flushAlarm = () => {
    urgent = null;
    if (stopped || !desk) return;
    if (!ready()) {
      if (overtook) return schedule();
      overtook = true;
    }
    sendDesk();
  };

  const listeners: { [K in PagePushName]: (value: never) => void } = {
    state: (view: WorkstationView) => {
      state = view;
      health = null;
      schedule();
    },
    health: (view: HealthView) => {
      health = view;
      schedule();
    },
    desk: (view: DeskView) => {
      desk = view;
      if (!urgent && view.tiles.some((t) => t.alarms.some((a) => !a.acknowledged && !alarmsSent.has(a.id)))) urgent = setImmediate(flushAlarm);
      schedule();
    },
    log: (entry: LogEntry) => {
      log.push(entry);
      // One in, so at most one out: no new array of a thousand entries per entry of a flood.
      if (log.length > logQueueLimit) log.shift();
      schedule();
    },
    media: (message: unknown) => {
      if (!stopped) sink.send('media', message);
    },
  };
  for (const push of pushes) source.on(push, listeners[push]);
  const registered = {
    sendLog: () => {
      while (!stopped && log.length > 0) sink.send('log', log.splice(0, logBatchLimit));
    },
  };
  if (pushes.includes('log')) pacersOf.set(source, (pacersOf.get(source) ?? new Set()).add(registered));

  return {
    offer: (push, value) => listeners[push](value as never),
    stop() {
      stopped = true;
      pacersOf.get(source)?.delete(registered);
      for (const push of pushes) source.off(push, listeners[push]);
      if (timer) clearTimeout(timer);
      if (urgent) clearImmediate(urgent);
      timer = urgent = null;
      state = health = desk = null;
      log = [];
    },
  };
}
