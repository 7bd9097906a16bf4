import { linearVoi, ownWindow, rescaledMinMax } from '../../base/common/voi-window.js';
import type { DeskThumbnail, PreviewImage } from '../../protocol/index.js';

/** The desk's tiles show the newest image this small (protocol/desk.ts DeskThumbnail). */
const THUMBNAIL_MAX = 96;

/**
 * The newest image as a tile picture: stored values through the Modality LUT (rescale) and the
 * linear VOI LUT of PS3.3 C.11.2.1.2.1 in the image's own window (base/common/voi-window.ts, as
 * the viewer shows it), MONOCHROME1 inverted (C.7.6.3.1.2), 8-bit grey, nearest-neighbour down
 * to at most 96 x 96 keeping the aspect. Made once per image in main, so the page never gets a
 * second copy of every scanner's full pixels.
 */
export function makeThumbnail(image: PreviewImage, max = THUMBNAIL_MAX): DeskThumbnail {
  const { rows, columns } = image;
  const scale = Math.min(1, max / Math.max(rows, columns, 1));
  const width = Math.max(1, Math.round(columns * scale));
  const height = Math.max(1, Math.round(rows * scale));
  const stored = storedValues(image);
  const slope = image.rescaleSlope || 1;
  const intercept = image.rescaleIntercept || 0;
  const window = ownWindow(image.windowCenter, image.windowWidth, () => rescaledMinMax(stored, slope, intercept));
  const invert = image.photometricInterpretation === 'MONOCHROME1';
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = Math.min(rows - 1, Math.floor(((y + 0.5) * rows) / height));
    for (let x = 0; x < width; x++) {
      const col = Math.min(columns - 1, Math.floor(((x + 0.5) * columns) / width));
      const value = (stored[row * columns + col] ?? 0) * slope + intercept;
      const grey = linearVoi(value, window);
      out[y * width + x] = invert ? 255 - grey : grey;
    }
  }
  return { width, height, pixelsBase64: Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('base64'), sopInstanceUid: image.sopInstanceUid };
}

function storedValues(image: PreviewImage): ArrayLike<number> {
  const count = image.rows * image.columns;
  if (image.bitsAllocated === 8)
    return image.pixelRepresentation === 1
      ? new Int8Array(image.pixels, 0, Math.min(count, image.pixels.byteLength))
      : new Uint8Array(image.pixels, 0, Math.min(count, image.pixels.byteLength));
  const n = Math.min(count, Math.floor(image.pixels.byteLength / 2));
  return image.pixelRepresentation === 1 ? new Int16Array(image.pixels, 0, n) : new Uint16Array(image.pixels, 0, n);
}
