/**
 * One thread of the gateway's transcode pool (image-pipeline.ts): parses a received Part 10
 * object and makes its workstation copy (workstation-copy.ts), so RLE encoding, the bulk of an
 * image's cost at the gateway, never holds up the event loop. The received bytes arrive
 * transferred, and the copy goes back the same way, with the received bytes when the copy
 * does not use them, for their buffer to hold a later object (object-buffers.ts).
 */
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../../base/node/worker-pool.js';
import { DEFAULT_IMAGE_LIMITS, imageCodecs, type ImageLimits } from '../../native-bridge/index.js';
import { transcodeAnswer } from './workstation-copy.js';

const limits = (workerData as { limits?: ImageLimits } | undefined)?.limits ?? DEFAULT_IMAGE_LIMITS;

serveRequests((part10: Uint8Array) => {
  const answer = transcodeAnswer(part10, imageCodecs, limits);
  // The copy and the spare received bytes both go back moved, not copied.
  const transfer = [...(answer.ok ? [answer.bytes.buffer] : []), ...(answer.spare ? [answer.spare.buffer] : [])] as ArrayBuffer[];
  return { answer, transfer };
});
