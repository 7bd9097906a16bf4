import type { DeskThumbnail, PreviewImage } from '../../protocol/index.js';

/** The desk's tiles show the newest image this small (protocol/desk.ts DeskThumbnail). */
const THUMBNAIL_MAX = 96;

/**
 * The newest image as a tile picture: stored values through the Modality LUT (rescale) and the
 * linear VOI LUT of PS3.3 C.11.2.1.2.1 with the image's own window centre and width (its min and
 * max when it has none), MONOCHROME1 inverted (C.7.6.3.1.2), 8-bit grey, nearest-neighbour down
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
  let centre = image.windowCenter;
  let widthW = image.windowWidth;
  if (centre === null || widthW === null || !(widthW >= 1)) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < stored.length; i++) {
      const v = stored[i]! * slope + intercept;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!Number.isFinite(lo)) lo = hi = 0;
    centre = (lo + hi) / 2;
    widthW = Math.max(1, hi - lo);
  }
  const low = centre - 0.5 - (widthW - 1) / 2;
  const high = centre - 0.5 + (widthW - 1) / 2;
  const invert = image.photometricInterpretation === 'MONOCHROME1';
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = Math.min(rows - 1, Math.floor(((y + 0.5) * rows) / height));
    for (let x = 0; x < width; x++) {
      const col = Math.min(columns - 1, Math.floor(((x + 0.5) * columns) / width));
      const value = (stored[row * columns + col] ?? 0) * slope + intercept;
      let grey = value <= low ? 0 : value > high ? 255 : Math.round(((value - (centre - 0.5)) / (widthW - 1 || 1) + 0.5) * 255);
      grey = Math.min(255, Math.max(0, grey));
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
