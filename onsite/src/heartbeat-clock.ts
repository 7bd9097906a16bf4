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
  let pageTimer: ReturnType<typeof setInterval> | null = null;
  // Without a worker (it failed to load or to start), the page's own timer: throttled while
  // hidden, but a heartbeat all the same.
  const onPageTimer = () => {
    pageTimer ??= setInterval(tick, intervalMs);
  };
  let worker: Worker | null = null;
  try {
    worker = new Worker(new URL('./heartbeat-worker.ts', import.meta.url), { type: 'module', name: 'onsite heartbeat' });
    worker.onmessage = () => tick();
    worker.onerror = (event) => {
      event.preventDefault();
      worker?.terminate();
      worker = null;
      onPageTimer();
    };
    worker.postMessage(intervalMs);
  } catch {
    onPageTimer();
  }
  return {
    stop: () => {
      worker?.terminate();
      if (pageTimer) clearInterval(pageTimer);
    },
  };
}
