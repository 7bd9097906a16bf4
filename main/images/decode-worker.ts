/**
 * One decoding thread of the image decode pool: runs the pure intake on each frame it is given
 * and hands the preview images back, their pixel buffers transferred rather than copied.
 */
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../../base/node/worker-pool.js';
import type { ImageLimits } from '../../native-bridge/index.js';
import { intakeImageFrame } from './image-intake.js';

const limits = (workerData as { limits?: ImageLimits } | undefined)?.limits;

serveRequests((frame: Uint8Array) => {
  const answer = intakeImageFrame(frame, { limits });
  return { answer, transfer: answer.ok ? [...answer.images.map((image) => image.pixels), answer.part10.buffer as ArrayBuffer] : [] };
});
