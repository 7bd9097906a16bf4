/**
 * The onsite console's images are put together, read and painted here, in a worker of the page's
 * own, never on its main thread: RLE decoding in TypeScript takes long for a large image, and
 * meanwhile the page would send no heartbeat. A console the gateway does not hear from within
 * four heartbeats (a second by default) counts as absent, and no acquisition can start (safety
 * rule 1, gateway/server/onsite-handler.ts). The heartbeat itself leaves from the main thread
 * (only its clock is a worker's, heartbeat-clock.ts): it says that the page, and its emergency
 * stop, still respond.
 */
import { ImageChunkAssembler } from '../../protocol/index.js';
import { readImageArrival, type ShownImage } from './part10-preview.js';
import type { OnsiteImageArrival, PaintedImage } from './image-reader.js';

/** The largest image put together from its parts, as the workstation takes it. */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
/**
 * The longer side of a painted image, in pixels: a preview for positioning, shown in a panel,
 * not for diagnosis. An MR image of 512 or less is painted as it is; a 4096x4096 one is painted
 * at 1024, a sixteenth of the pixels for the page to draw.
 */
const PAINTED_SIDE = 1024;

/** What this page's lib (DOM) does not type: a dedicated worker's own scope. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<ArrayBuffer>) => void) | null;
  postMessage(message: OnsiteImageArrival, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const parts = new ImageChunkAssembler(MAX_IMAGE_BYTES);
/** Painting is asynchronous: images go back one after the other, in the order they came. */
let inOrder = Promise.resolve();

scope.onmessage = ({ data }) => {
  let frame: Uint8Array | null;
  try {
    frame = parts.add(new Uint8Array(data));
  } catch {
    parts.reset(); // a part out of place: dropped, as any message that cannot be read
    return;
  }
  if (frame === null) return; // more parts to come
  const arrival = readImageArrival(frame);
  if (!arrival) return;
  inOrder = inOrder.then(async () => {
    if (!arrival.ok) return scope.postMessage(arrival, []);
    try {
      const image = await paint(arrival.image);
      scope.postMessage({ ok: true, image, fetched: arrival.fetched }, [image.bitmap]);
    } catch (err) {
      // A browser that cannot paint it here: said, like any image not shown, and the next one goes on.
      scope.postMessage({ ok: false, sopInstanceUid: arrival.image.sopInstanceUid, reason: `not painted: ${(err as Error).message}` }, []);
    }
  });
};

async function paint(shown: ShownImage): Promise<PaintedImage> {
  const { rgba, ...described } = shown;
  const scale = Math.min(1, PAINTED_SIDE / Math.max(shown.columns, shown.rows));
  const bitmap = await createImageBitmap(new ImageData(rgba, shown.columns, shown.rows), {
    resizeWidth: Math.max(1, Math.round(shown.columns * scale)),
    resizeHeight: Math.max(1, Math.round(shown.rows * scale)),
    resizeQuality: 'high',
  });
  return { ...described, bitmap };
}
