/**
 * The thread that makes large images' series thumbnails (thumbnail-pool.ts): the decode of a
 * whole first frame, off the gateway's event loop. The image arrives moved; the thumbnail is
 * small and goes back copied.
 */
import { serveRequests } from '../../base/node/worker-pool.js';
import { makeSeriesThumbnail } from './series-thumbnail.js';
import type { ThumbnailRequest } from './thumbnail-pool.js';

serveRequests((request: ThumbnailRequest) => ({ answer: makeSeriesThumbnail(request.part10, request.sopInstanceUid), transfer: [] }));
