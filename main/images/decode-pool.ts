/**
 * Image decoding off the event loop: worker threads (base/node/worker-pool.ts) each running the
 * pure intake (decode-worker.ts), so that heartbeats, commands and the UI bridge are never
 * delayed by an image however large. Results come back as promises, which the core applies in
 * arrival order.
 */
import { availableParallelism } from 'node:os';
import { createWorkerPool } from '../../base/node/worker-pool.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ImageLimits } from '../../native-bridge/index.js';
import type { ImageDecodeResult } from '../core/workstation-core.js';

export interface DecodePool {
  /** Resolves once every worker has loaded (frames sent earlier wait in its queue). */
  readonly ready: Promise<void>;
  decode(frame: Uint8Array): Promise<ImageDecodeResult>;
  close(): Promise<void>;
}

export function createDecodePool(options: { size?: number; limits?: ImageLimits } = {}): DecodePool {
  const pool = createWorkerPool<Uint8Array, ImageDecodeResult>({
    module: new URL('./decode-worker', import.meta.url),
    size: options.size ?? Math.max(1, Math.min(2, availableParallelism() - 1)),
    workerData: { limits: options.limits },
    failed: (why) => ({ ok: false, seq: null, code: ErrorCode.INTERNAL, message: `image decoder failed: ${why}` }),
  });
  return { ready: pool.ready, decode: (frame) => pool.run(frame), close: () => pool.close() };
}
