/**
 * The heartbeat clock's worker (heartbeat-clock.ts): told the interval once, it ticks at that
 * interval until the page ends it. A dedicated worker's timers run on time while its page is hidden.
 */

/** What this page's lib (DOM) does not type: a dedicated worker's own scope. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<number>) => void) | null;
  postMessage(message: null): void;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = (event) => {
  scope.onmessage = null;
  setInterval(() => scope.postMessage(null), event.data);
};
