/**
 * The thread that renders the simulator's slices (simulator-images.ts): phantom, signal, noise
 * (gateway/imaging), then the workstation copy (workstation-copy.ts simulatedCopy). A 256x256
 * slice costs tens of milliseconds of a core, and a sped-up scan renders several at once: on the
 * event loop, that held heartbeats and commands for seconds. The current series' imager is kept,
 * so its phantom and contrast are computed once per series; the copy goes back transferred.
 */
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../../base/node/worker-pool.js';
import { DEFAULT_IMAGE_LIMITS, imageCodecs, type ImageLimits } from '../../native-bridge/index.js';
import { createSeriesImager, type SeriesImager } from '../imaging/index.js';
import { refusedAnswer, simulatedCopy, type TranscodeAnswer } from './workstation-copy.js';
import type { SliceRequest } from './slice-render-pool.js';

const limits = (workerData as { limits?: ImageLimits } | undefined)?.limits ?? DEFAULT_IMAGE_LIMITS;
let current: { seriesUid: string; imager: SeriesImager } | null = null;

serveRequests<SliceRequest, TranscodeAnswer>((request) => {
  try {
    if (current?.seriesUid !== request.series.seriesUid) current = { seriesUid: request.series.seriesUid, imager: createSeriesImager(request.series) };
    const copy = simulatedCopy(current.imager.renderSliceElements(request.index), imageCodecs, limits);
    const answer: TranscodeAnswer = { ok: true, ...copy, spare: null };
    return { answer, transfer: [copy.bytes.buffer as ArrayBuffer] };
  } catch (err) {
    return { answer: refusedAnswer(err, null), transfer: [] };
  }
});
