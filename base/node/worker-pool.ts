/**
 * Work off the event loop: a small pool of worker threads (node:worker_threads), each running one
 * module that answers requests with `serveRequests`. The gateway compresses received images in
 * one, the workstation decodes images in another, so that heartbeats and commands never wait
 * for an image however large (docs/architecture.md "The image's path").
 *
 * Requests go to the least busy worker; each answer comes back as a promise. Buffers named in
 * `transfer` move to the worker instead of being copied (and back the same way). A worker that
 * crashes or exits fails exactly the requests it held, with `failed(why)`, and is replaced at
 * the next request, so a caller that applies answers in order never waits forever. So does a
 * worker that holds requests and answers none of them for `stuckAfterMs`: a decoder caught in a
 * loop is ended rather than left to hold every image after it.
 */
import { parentPort, Worker, type ResourceLimits } from 'node:worker_threads';
import { StalledTicks } from '../common/stalled-ticks.js';

export interface WorkerPool<Request, Answer> {
  /** Resolves once every worker has loaded (requests sent earlier wait in its queue). */
  readonly ready: Promise<void>;
  run(request: Request, transfer?: readonly ArrayBuffer[]): Promise<Answer>;
  close(): Promise<void>;
}

export interface WorkerPoolOptions<Answer> {
  /**
   * The worker's module as a sibling of the caller, without extension: `new URL('./x-worker', import.meta.url)`.
   * Compiled code loads `x-worker.js`; run from TypeScript sources (tests, tsx), `x-worker.ts`.
   */
  module: URL;
  size: number;
  workerData?: unknown;
  /** Each worker's V8 heap sizes (node:worker_threads `resourceLimits`); unset: V8's defaults. */
  resourceLimits?: ResourceLimits;
  /** The answer for a request whose worker died before answering. */
  failed(why: string): Answer;
  /**
   * A worker that holds requests and has answered none of them for this long is taken for stuck:
   * it is ended and its requests failed (default DEFAULT_STUCK_AFTER_MS). Counted from its last
   * answer, so a long queue that moves is never cut, only a worker that stopped moving.
   */
  stuckAfterMs?: number;
}

/**
 * Far above any legal request's work: the largest object the DICOM port takes by default
 * (256 MiB) RLE-encodes in about half a second at the encoder's 500 MB/s (README "DICOM ingest
 * beside DCMTK"). A hundred times that leaves room for a starved machine and a raised limit.
 */
const DEFAULT_STUCK_AFTER_MS = 60_000;
/** Lateness of the pool's own check below this is ordinary timer jitter (base/common/stalled-ticks.ts). */
const STALLED_CHECK_MS = 100;

interface Slot {
  worker: Worker;
  busy: number;
  /** Requests this worker holds, so that a crash fails exactly these. */
  held: Set<number>;
  alive: boolean;
  /** Whether its module has loaded: the time a worker takes to start is no time spent stuck. */
  loaded: boolean;
  /** When this worker last answered, loaded, or was given work while it had none. */
  movedAt: number;
}

/**
 * tsx's loader, registered in the worker first when run from sources (the main thread's loader
 * hooks do not reach workers).
 */
const TSX_LOADER = 'tsx/esm/api';

function startWorker(module: URL, workerData: unknown, resourceLimits: ResourceLimits | undefined): Worker {
  const options = { workerData, ...(resourceLimits ? { resourceLimits } : {}) };
  const fromSources = import.meta.url.endsWith('.ts');
  if (!fromSources) return new Worker(new URL(`${module.href}.js`), options);
  const source = `${module.href}.ts`;
  // Only ever reached from sources, so the packaged app never loads (or ships) tsx.
  const bootstrap = `import(${JSON.stringify(TSX_LOADER)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, ...options });
}

export function createWorkerPool<Request, Answer>(options: WorkerPoolOptions<Answer>): WorkerPool<Request, Answer> {
  const pending = new Map<number, (answer: Answer) => void>();
  let nextId = 1;
  const slots: Slot[] = [];
  const loaded: Promise<void>[] = [];
  let closing = false;
  const fail = (slot: Slot, why: string): void => {
    for (const id of slot.held) {
      pending.get(id)?.(options.failed(why));
      pending.delete(id);
    }
    slot.held.clear();
    slot.busy = 0;
  };
  const spawn = (existing?: Slot): Slot => {
    const worker = startWorker(options.module, options.workerData, options.resourceLimits);
    // The pool never keeps a process alive on its own: its owner closes it.
    worker.unref();
    const slot: Slot = existing ?? { worker, busy: 0, held: new Set(), alive: true, loaded: false, movedAt: Date.now() };
    slot.worker = worker;
    slot.alive = true;
    slot.loaded = false;
    // What a worker that was replaced still says or does is no longer this slot's.
    const current = () => slot.worker === worker;
    let onLoaded!: () => void;
    loaded.push(new Promise<void>((resolve) => (onLoaded = resolve)));
    worker.on('message', (message: { ready?: true; id: number; answer: Answer }) => {
      if (message.ready) {
        if (current()) [slot.loaded, slot.movedAt] = [true, Date.now()];
        return onLoaded();
      }
      // An answer after its worker was given up on (failed, replaced) has been answered already.
      if (!current() || !slot.held.has(message.id)) return;
      slot.busy--;
      slot.movedAt = Date.now();
      slot.held.delete(message.id);
      pending.get(message.id)?.(message.answer);
      pending.delete(message.id);
    });
    worker.on('error', (err) => current() && fail(slot, err.message));
    worker.on('exit', (code) => {
      onLoaded();
      if (!current()) return;
      slot.alive = false;
      fail(slot, `worker exited with code ${code}`);
    });
    return slot;
  };
  for (let i = 0; i < Math.max(1, options.size); i++) slots.push(spawn());

  const stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  const checkEveryMs = Math.max(10, Math.min(1000, stuckAfterMs / 4));
  const ticks = new StalledTicks(checkEveryMs, STALLED_CHECK_MS, Date.now());
  const watch = setInterval(() => {
    const now = Date.now();
    // Answers that came while this process did not run wait unread: not the workers' silence.
    const stalled = ticks.stalledMs(now);
    for (const slot of slots) {
      slot.movedAt += stalled;
      if (!slot.alive || !slot.loaded || slot.held.size === 0 || now - slot.movedAt < stuckAfterMs) continue;
      fail(slot, `worker answered nothing for ${now - slot.movedAt} ms`);
      slot.alive = false; // replaced at the next request
      void slot.worker.terminate();
    }
  }, checkEveryMs);
  watch.unref();

  return {
    ready: Promise.all(loaded).then(() => undefined),
    run(request, transfer = []) {
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      if (!slot.alive && !closing) spawn(slot);
      if (slot.held.size === 0) slot.movedAt = Date.now();
      const id = nextId++;
      // An empty buffer gains nothing by moving, and one that already moved (detached) cannot:
      // Node drops, without a word, a message that would transfer it, and its answer would never
      // come. Cloned instead, a detached one fails here, at once.
      const moving = transfer.filter((buffer) => buffer.byteLength > 0);
      try {
        slot.worker.postMessage({ id, request }, moving);
      } catch (err) {
        return Promise.resolve(options.failed(`the request could not be sent to a worker: ${(err as Error).message}`));
      }
      slot.busy++;
      slot.held.add(id);
      return new Promise((resolve) => pending.set(id, resolve));
    },
    async close() {
      closing = true;
      clearInterval(watch);
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

/**
 * The worker's side: answer each request with `handle`, whose `transfer` buffers move back
 * rather than being copied. Call once, at the top of the worker module.
 */
export function serveRequests<Request, Answer>(handle: (request: Request) => { answer: Answer; transfer: readonly ArrayBuffer[] }): void {
  const port = parentPort;
  if (port === null) throw new Error('serveRequests runs in a worker thread only');
  // Loaded: requests posted before this were queued by the port and are handled now.
  port.postMessage({ ready: true });
  port.on('message', (message: { id: number; request: Request }) => {
    const { answer, transfer } = handle(message.request);
    const unique = transfer.filter((buffer, i) => transfer.indexOf(buffer) === i);
    try {
      port.postMessage({ id: message.id, answer }, unique);
    } catch {
      // A buffer that cannot be transferred (e.g. external memory) is copied instead.
      port.postMessage({ id: message.id, answer });
    }
  });
}
