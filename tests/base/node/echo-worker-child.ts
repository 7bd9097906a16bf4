/**
 * A worker started by path by tests/base/node/worker-pool.test.ts: answers with the request's
 * bytes reversed (moved back), and the heap sizes it was started with; on request it dies, never
 * answers (a decoder caught in a loop), or works for a while before answering.
 */
import { resourceLimits } from 'node:worker_threads';
import { serveRequests } from '../../../base/node/worker-pool.js';

serveRequests((request: { bytes: Uint8Array; die?: boolean; hang?: boolean; workMs?: number }) => {
  if (request.die) process.exit(3);
  if (request.hang) for (;;);
  if (request.workMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, request.workMs);
  request.bytes.reverse();
  return { answer: { bytes: request.bytes, thread: 'worker', resourceLimits }, transfer: [request.bytes.buffer as ArrayBuffer] };
});
