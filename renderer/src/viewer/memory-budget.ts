import type { SeriesRecord } from './series.js';
import type { ViewerImage } from './pixels.js';

/**
 * Decoded pixels the viewer keeps at most (512 MB; 300 images of 512 x 512 x 16 bits hold about
 * 157 MB). Beyond it the least recently viewed images give up their pixels (their metadata
 * stays) and are fetched again from the gateway when viewed (docs/architecture.md "The image's path").
 */
export const DEFAULT_IMAGE_BUDGET_BYTES = 512 * 1024 * 1024;

export function pixelBytes(image: ViewerImage): number {
  return image.pixels.byteLength;
}

/**
 * Which images to release so that `total` bytes fit in `budget`: least recently viewed first
 * (`viewedAt` by SOP Instance UID, 0 for never), never the one in `keep` (the image on screen).
 * Pure: returns the SOP Instance UIDs by series.
 */
export function chooseEvictions(
  series: Iterable<SeriesRecord>,
  total: number,
  budget: number,
  viewedAt: (sop: string) => number,
  keep: string | null,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (total <= budget) return out;
  const candidates: { uid: string; image: ViewerImage; at: number }[] = [];
  for (const record of series) {
    for (const image of record.images)
      if (image.meta.sopInstanceUid !== keep) candidates.push({ uid: record.uid, image, at: viewedAt(image.meta.sopInstanceUid) });
  }
  candidates.sort((a, b) => a.at - b.at);
  let bytes = total;
  for (const c of candidates) {
    if (bytes <= budget) break;
    bytes -= pixelBytes(c.image);
    const set = out.get(c.uid) ?? new Set<string>();
    set.add(c.image.meta.sopInstanceUid);
    out.set(c.uid, set);
  }
  return out;
}
