/**
 * Work off the event loop: a small pool of worker threads (node:worker_threads), each running one
 * module that answers requests with `serveRequests`. The gateway compresses received images in
 * one, the workstation decodes images in another, so that heartbeats and commands never wait
 * for an image however large (docs/architecture.md "The image's path").
 *
 * Requests go to the least busy worker; each answer comes back as a promise. Buffers named in
 * `transfer` move to the worker instead of being copied (and back the same way). A worker that
 * crashes or exits fails exactly the requests it held, with `failed(why)`, and is replaced at
 * the next request, so a caller that applies answers in order never waits forever.
 */
import { parentPort, Worker } from 'node:worker_threads';

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
  /** The answer for a request whose worker died before answering. */
  failed(why: string): Answer;
}

interface Slot {
  worker: Worker;
  busy: number;
  /** Requests this worker holds, so that a crash fails exactly these. */
  held: Set<number>;
  alive: boolean;
}

/**
 * tsx's loader, registered in the worker first when run from sources (the main thread's loader
 * hooks do not reach workers).
 */
const TSX_LOADER = 'tsx/esm/api';

function startWorker(module: URL, workerData: unknown): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  if (!fromSources) return new Worker(new URL(`${module.href}.js`), { workerData });
  const source = `${module.href}.ts`;
  // Only ever reached from sources, so the packaged app never loads (or ships) tsx.
  const bootstrap = `import(${JSON.stringify(TSX_LOADER)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
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
    const worker = startWorker(options.module, options.workerData);
    // The pool never keeps a process alive on its own: its owner closes it.
    worker.unref();
    const slot: Slot = existing ?? { worker, busy: 0, held: new Set(), alive: true };
    slot.worker = worker;
    slot.alive = true;
    let onLoaded!: () => void;
    loaded.push(new Promise<void>((resolve) => (onLoaded = resolve)));
    worker.on('message', (message: { ready?: true; id: number; answer: Answer }) => {
      if (message.ready) return onLoaded();
      slot.busy--;
      slot.held.delete(message.id);
      pending.get(message.id)?.(message.answer);
      pending.delete(message.id);
    });
    worker.on('error', (err) => fail(slot, err.message));
    worker.on('exit', (code) => {
      slot.alive = false;
      fail(slot, `worker exited with code ${code}`);
      onLoaded();
    });
    return slot;
  };
  for (let i = 0; i < Math.max(1, options.size); i++) slots.push(spawn());
  return {
    ready: Promise.all(loaded).then(() => undefined),
    run(request, transfer = []) {
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      if (!slot.alive && !closing) spawn(slot);
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
