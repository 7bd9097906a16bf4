/**
 * Image decoding off the event loop: a small pool of worker threads (node:worker_threads) each
 * running the pure intake, so that heartbeats, commands and the UI bridge are never delayed by
 * an image however large. Frames are handed out round-robin to the least busy worker; results
 * come back as promises, which the core applies in arrival order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ErrorCode } from '../../protocol/errors.js';
import type { ImageLimits } from '../../native-bridge/index.js';
import type { ImageDecodeResult } from '../core/workstation-core.js';

export interface DecodePool {
  /** Resolves once every worker has loaded (frames sent earlier wait in its queue). */
  readonly ready: Promise<void>;
  decode(frame: Uint8Array): Promise<ImageDecodeResult>;
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  busy: number;
  /** Frames this worker holds, so that a crash fails exactly these. */
  held: Set<number>;
  alive: boolean;
}

/**
 * The compiled worker; or, run from TypeScript sources (tests, tsx), a bootstrap that registers
 * tsx's loader in the worker first (loader hooks of the main thread do not reach workers).
 */
const TSX_LOADER = 'tsx/esm/api';

function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./decode-worker.js', import.meta.url), { workerData });
  const source = new URL('./decode-worker.ts', import.meta.url).href;
  // Only ever reached from sources, so the packaged app never loads (or ships) tsx.
  const bootstrap = `import(${JSON.stringify(TSX_LOADER)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export function createDecodePool(options: { size?: number; limits?: ImageLimits } = {}): DecodePool {
  const size = options.size ?? Math.max(1, Math.min(2, availableParallelism() - 1));
  const pending = new Map<number, (result: ImageDecodeResult) => void>();
  let nextId = 1;
  const slots: Slot[] = [];
  const loaded: Promise<void>[] = [];
  let closing = false;
  const fail = (slot: Slot, why: string): void => {
    for (const id of slot.held) {
      pending.get(id)?.({ ok: false, seq: null, code: ErrorCode.INTERNAL, message: `image decoder failed: ${why}` });
      pending.delete(id);
    }
    slot.held.clear();
    slot.busy = 0;
  };
  const spawn = (existing?: Slot): Slot => {
    const worker = startWorker({ limits: options.limits });
    worker.unref();
    const slot: Slot = existing ?? { worker, busy: 0, held: new Set(), alive: true };
    slot.worker = worker;
    slot.alive = true;
    let onLoaded!: () => void;
    loaded.push(new Promise<void>((resolve) => (onLoaded = resolve)));
    worker.on('message', (message: { ready?: true; id: number; result: ImageDecodeResult }) => {
      if (message.ready) return onLoaded();
      slot.busy--;
      slot.held.delete(message.id);
      pending.get(message.id)?.(message.result);
      pending.delete(message.id);
    });
    // A crashed or exited worker fails what it held (the core's image order never waits
    // forever) and is replaced at the next frame.
    worker.on('error', (err) => fail(slot, err.message));
    worker.on('exit', (code) => {
      slot.alive = false;
      fail(slot, `worker exited with code ${code}`);
      onLoaded();
    });
    return slot;
  };
  for (let i = 0; i < size; i++) slots.push(spawn());
  return {
    ready: Promise.all(loaded).then(() => undefined),
    decode(frame) {
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      if (!slot.alive && !closing) spawn(slot);
      const id = nextId++;
      slot.busy++;
      slot.held.add(id);
      return new Promise((resolve) => {
        pending.set(id, resolve);
        slot.worker.postMessage({ id, frame });
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
