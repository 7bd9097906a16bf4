/** A worker started by path by tests/base/node/worker-pool.test.ts: answers with the request's bytes reversed (moved back), and dies on request. */
import { serveRequests } from '../../../base/node/worker-pool.js';

serveRequests((request: { bytes: Uint8Array; die?: boolean }) => {
  if (request.die) process.exit(3);
  request.bytes.reverse();
  return { answer: { bytes: request.bytes, thread: 'worker' }, transfer: [request.bytes.buffer as ArrayBuffer] };
});
