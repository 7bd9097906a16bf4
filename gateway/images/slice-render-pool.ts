import { createWorkerPool, type WorkerPool } from '../../base/node/worker-pool.js';
import type { ImageLimits } from '../../native-bridge/index.js';
import type { SeriesImagerOptions } from '../imaging/index.js';
import { workerFailed, type TranscodeAnswer } from './workstation-copy.js';

/** One simulated slice to render: its series (as gateway/imaging takes it) and its index in the series. */
export interface SliceRequest {
  series: SeriesImagerOptions;
  index: number;
}

/**
 * The thread that renders simulated slices (slice-render-worker.ts). One: slices come one series
 * at a time, and the worker keeps the current series' phantom and contrast.
 */
export function createSliceRenderPool(limits: ImageLimits | undefined): WorkerPool<SliceRequest, TranscodeAnswer> {
  return createWorkerPool({
    module: new URL('./slice-render-worker', import.meta.url),
    size: 1,
    workerData: { limits },
    failed: workerFailed('slice renderer'),
  });
}
