import { setFlagsFromString } from 'node:v8';

/**
 * How much V8 lets its old generation grow between two full collections, as a percentage of
 * what the last one kept: 200 lets it reach three times that (V8's own choice ranges from 1.1
 * to 4 times).
 *
 * Why: V8 chooses the factor from how fast JavaScript allocates on its heap against how fast it
 * collects (heap-controller.cc, MemoryController::GrowingFactor). A process that moves images
 * allocates most of its memory outside the heap, in pixel buffers, so V8 sees a slow allocator
 * and keeps the heap tight: 1.3 times the live heap in the gateway during a DICOM push, less
 * room than one collection of the young generation may promote into it. So it began marking
 * again as soon as a full collection ended: 131 full collections in three pushes of 2,000 MR
 * images, where the gateway spent a third of its event loop's CPU (README "DICOM ingest beside
 * DCMTK"). With 200, 31 in the same pushes.
 */
export const IMAGE_PROCESS_HEAP_GROWING_PERCENT = 200;

/**
 * Applies IMAGE_PROCESS_HEAP_GROWING_PERCENT to this process, every thread of it: the gateway
 * calls it once, as it starts (gateway/cli.ts). V8 reads the flag each time it sizes the heap
 * after a collection, so set before the process has done much it acts as
 * `node --heap-growing-percent=200` would, and none of the ways a gateway is started (`larmor
 * gateway` as a service, `npm start`, the packaged app) needs a V8 flag of its own.
 */
export function growHeapForImages(): void {
  setFlagsFromString(`--heap-growing-percent=${IMAGE_PROCESS_HEAP_GROWING_PERCENT}`);
}
