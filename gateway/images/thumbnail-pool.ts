import type { SeriesThumbnail } from '../../protocol/index.js';
import { createWorkerPool, type WorkerPool } from '../../base/node/worker-pool.js';
import { imageInfo, nativeFrameLength, readPart10, type DicomFile } from '../../native-bridge/dicom/index.js';
import { seriesThumbnailOf } from './series-thumbnail.js';
import type { ThumbnailMaker } from './exam-image-store.js';

/**
 * A first frame of at most this many bytes decoded (1024 x 1024 16-bit) has its thumbnail made
 * on the event loop: a few milliseconds at most, less than a worker's round trip with the image
 * copied to it. Larger ones take their decode to a worker thread: a 4096 x 4096 RLE image's is
 * 47 ms (README "Images under load"), which held every link that long.
 */
export const INLINE_THUMBNAIL_BYTES = 2 * 1024 * 1024;

export interface ThumbnailRequest {
  part10: Uint8Array;
  sopInstanceUid: string;
}

/** Series thumbnails for the exam's catalogue (exam-image-store.ts), large images' off the event loop. */
export interface ThumbnailPool {
  make: ThumbnailMaker;
  close(): Promise<void>;
}

/**
 * Its one worker thread (thumbnail-worker.ts) starts with the first large image: a gateway
 * whose images are all small never starts it.
 */
export function createThumbnailPool(inlineBytes = INLINE_THUMBNAIL_BYTES): ThumbnailPool {
  let pool: WorkerPool<ThumbnailRequest, SeriesThumbnail | null> | null = null;
  return {
    make(part10, sopInstanceUid) {
      const image = readImage(part10);
      if (image === null) return null;
      if (image.firstFrameBytes <= inlineBytes) return seriesThumbnailOf(image.file, sopInstanceUid);
      pool ??= createWorkerPool({ module: new URL('./thumbnail-worker', import.meta.url), size: 1, failed: () => null });
      // Moved, not copied, when the bytes have a buffer of their own (a spool read's do).
      const own = part10.byteOffset === 0 && part10.byteLength === part10.buffer.byteLength;
      return pool.run({ part10, sopInstanceUid }, own ? [part10.buffer as ArrayBuffer] : []);
    },
    async close() {
      await pool?.close();
      pool = null;
    },
  };
}

/** The object read, and its first frame's bytes decoded; null for what cannot be read (its thumbnail is null at once). */
function readImage(part10: Uint8Array): { file: DicomFile; firstFrameBytes: number } | null {
  try {
    const file = readPart10(part10);
    return { file, firstFrameBytes: nativeFrameLength(imageInfo(file.dataset)) };
  } catch {
    return null;
  }
}
