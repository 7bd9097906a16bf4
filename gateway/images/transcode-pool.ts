import { availableParallelism } from 'node:os';
import { createWorkerPool, type WorkerPool } from '../../base/node/worker-pool.js';
import type { ImageLimits } from '../../native-bridge/index.js';
import { workerFailed, type TranscodeAnswer } from './workstation-copy.js';

/**
 * Worker threads that make received objects' workstation copies (transcode-worker.ts): one on a
 * two-core machine, leaving a core to the event loop; at most two.
 */
export function createTranscodePool(
  limits: ImageLimits | undefined,
  size = Math.max(1, Math.min(2, availableParallelism() - 1)),
): WorkerPool<Uint8Array, TranscodeAnswer> {
  return createWorkerPool({
    module: new URL('./transcode-worker', import.meta.url),
    size,
    workerData: { limits },
    failed: workerFailed('image transcoder'),
  });
}
