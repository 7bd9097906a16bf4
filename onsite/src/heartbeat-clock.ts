/**
 * The onsite console's heartbeat clock. A hidden page's own timers are throttled: with another
 * tab in front or the window minimised, Chromium wakes them at most once a second, and soon only
 * once a minute ("intensive wake-up throttling", since Chrome 88; Debian's Chromium 156 did so
 * after one minute hidden). The gateway counts a console not heard from within four heartbeats
 * (a second by default) as not responding, and one silent for eight as gone, which checks its
 * staff out (safety rule 1, gateway/server/onsite-handler.ts). A dedicated worker's timers are
 * not throttled: the worker keeps the time, and the page sends each heartbeat when it hears the
 * tick. The ping still leaves from the page's main thread, so it still says that the page, and
 * its emergency stop, respond.
 */
export interface HeartbeatClock {
  stop(): void;
}

export function startHeartbeatClock(intervalMs: number, tick: () => void): HeartbeatClock {
  // The page's own timer beats until the worker's first tick: a worker takes a moment to load
  // and start (seconds on a loaded machine), and a console silent for eight heartbeats is gone.
  // It takes over again if the worker fails.
  let pageTimer: ReturnType<typeof setInterval> | null = setInterval(tick, intervalMs);
  const stopPageTimer = () => {
    if (pageTimer) clearInterval(pageTimer);
    pageTimer = null;
  };
  let worker: Worker | null = null;
  try {
    worker = new Worker(new URL('./heartbeat-worker.ts', import.meta.url), { type: 'module', name: 'onsite heartbeat' });
    worker.onmessage = () => {
      stopPageTimer();
      tick();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker?.terminate();
      worker = null;
      pageTimer ??= setInterval(tick, intervalMs);
    };
    worker.postMessage(intervalMs);
  } catch {
    // No worker to be had (a browser without module workers): the page's timer, throttled while hidden.
  }
  return {
    stop: () => {
      worker?.terminate();
      stopPageTimer();
    },
  };
}
