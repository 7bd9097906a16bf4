import { availableParallelism } from 'node:os';
import { createWorkerPool, type WorkerPool } from '../../base/node/worker-pool.js';
import type { ImageLimits } from '../../native-bridge/index.js';
import { workerFailed, type TranscodeAnswer } from './workstation-copy.js';

/**
 * The young generation of a transcode worker's V8 heap, in MB (two 2 MB semi-spaces and room
 * for new large objects), where V8 would let it grow to 48.
 *
 * Why: a worker allocates little on its heap per image (a parse, a write), so with V8's default
 * it collected its young generation once in some 500 images. But every image also brings
 * memory outside the heap: the received object moved in, the encoder's output. V8 counts that
 * as external memory and frees it only when it collects the objects that hold it; until then it
 * piles up, and each 64 MB of it starts a full collection of the whole heap. Three pushes of
 * 2,000 MR images (README "DICOM ingest beside DCMTK") cost the worker 93 full collections;
 * with this young generation it collects it every 50 images or so, cheaply, and did 1. Since
 * the encoder splits 16-bit planes natively (allocating less per image) the worker again does
 * 34-37 full collections a push (`node --trace-gc`); 3 MB takes them to 0-1, but each is of a
 * heap of 8 MB, and the push took as long (bench/ingest, both gateways alternating in one run,
 * five rounds: 2.19 s each; CPU 2.64 s with 3 MB, 2.61 s with 6), so the size stays.
 */
const TRANSCODE_YOUNG_GENERATION_MB = 6;

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
    resourceLimits: { maxYoungGenerationSizeMb: TRANSCODE_YOUNG_GENERATION_MB },
    failed: workerFailed('image transcoder'),
  });
}
