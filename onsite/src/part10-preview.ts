/**
 * The onsite console's view of a live image, read by the same decoder the workstation uses
 * (native-bridge/preview-image.ts: one DICOM reader and one codec per transfer syntax, RLE
 * Lossless through its TypeScript codec here, since a page has no addon). Anything that decoder
 * refuses is reported with its code, not guessed at.
 */
import { codeOf, decodeImageFrame, ErrorCode, type PreviewImage } from '../../protocol/index.js';
import { createImageCodecs } from '../../native-bridge/image-codecs.js';
import { toPreviewImages } from '../../native-bridge/preview-image.js';
import { buildVoiLut, ownWindow, rescaledRange, storedRange } from '../../base/common/voi-window.js';
import { typescriptRle } from '../../native-bridge/rle/typescript-codec.js';

export interface OnsiteImage {
  sopInstanceUid: string;
  seriesUid: string;
  seriesDescription: string;
  instanceNumber: number | null;
  rows: number;
  columns: number;
  /** Stored values, one per pixel. */
  pixels: Uint16Array | Int16Array | Uint8Array;
  slope: number;
  intercept: number;
  windowCenter: number | null;
  windowWidth: number | null;
  monochrome1: boolean;
  /** Pixel Spacing (0028,0030), row then column spacing in mm (PS3.3 10.7.1.3), when present. */
  pixelSpacingMm: [number, number] | null;
}

/**
 * An image read for the viewer: how to name and place it, and its pixels windowed into grey RGBA,
 * ready to be painted.
 */
export type ShownImage = Omit<OnsiteImage, 'pixels' | 'slope' | 'intercept' | 'windowCenter' | 'windowWidth' | 'monochrome1'> & {
  rgba: Uint8ClampedArray<ArrayBuffer>;
};

/**
 * An image frame read: the image, or why it cannot be shown here. `fetched`: a held image sent
 * again because the console asked for it (protocol/exam-images.ts), not a live one.
 */
export type ImageArrival = { ok: true; image: ShownImage; fetched: boolean } | { ok: false; sopInstanceUid: string; reason: string };

/** Why an image is not shown on this page: the decoder's code and message. */
export class UnshownImage extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const codecs = createImageCodecs(typescriptRle);

/**
 * Reads the image: the first frame of a multi-frame object, the only one decoded (the viewer shows
 * no other). Throws UnshownImage with the reason when it cannot be shown.
 */
export function readOnsiteImage(part10: Uint8Array): OnsiteImage {
  let image: PreviewImage | undefined;
  try {
    image = toPreviewImages({ part10, gatewayAt: '', imagesInSeries: null }, codecs, undefined, true)[0];
  } catch (err) {
    throw new UnshownImage(codeOf(err, ErrorCode.UNSUPPORTED_IMAGE), (err as Error).message);
  }
  if (!image) throw new UnshownImage(ErrorCode.UNSUPPORTED_IMAGE, 'no frame in the image');
  const pixels =
    image.bitsAllocated === 8 ? new Uint8Array(image.pixels) : image.pixelRepresentation === 1 ? new Int16Array(image.pixels) : new Uint16Array(image.pixels);
  return {
    sopInstanceUid: image.sopInstanceUid,
    seriesUid: image.seriesUid,
    seriesDescription: image.seriesDescription,
    instanceNumber: image.instanceNumber,
    rows: image.rows,
    columns: image.columns,
    pixels,
    slope: image.rescaleSlope,
    intercept: image.rescaleIntercept,
    windowCenter: image.windowCenter,
    windowWidth: image.windowWidth,
    monochrome1: image.photometricInterpretation === 'MONOCHROME1',
    pixelSpacingMm: image.pixelSpacingMm,
  };
}

/**
 * A whole image frame from the gateway (protocol/image-frame.ts) as the viewer gets it; null when
 * it is no image frame at all, which the link drops as it drops any message it cannot read.
 */
export function readImageArrival(frame: Uint8Array): ImageArrival | null {
  let decoded: ReturnType<typeof decodeImageFrame>;
  try {
    decoded = decodeImageFrame(frame);
  } catch {
    return null;
  }
  try {
    return { ok: true, image: toShownImage(readOnsiteImage(decoded.part10)), fetched: decoded.header.fetched === true };
  } catch (err) {
    const reason = err instanceof UnshownImage ? `${err.code}: ${err.message}` : (err as Error).message;
    return { ok: false, sopInstanceUid: decoded.header.sopInstanceUid, reason };
  }
}

/**
 * The opaque RGBA pixel of each grey level, as one 32-bit word. Its bytes are written one by one
 * (R, G, B the grey, A 255), so copying the word keeps them in order on any machine.
 */
const RGBA_OF_GREY = (() => {
  const words = new Uint32Array(256);
  const bytes = new Uint8Array(words.buffer);
  for (let grey = 0; grey < 256; grey++) bytes.set([grey, grey, grey, 255], grey * 4);
  return words;
})();

function toShownImage(image: OnsiteImage): ShownImage {
  const { pixels: _pixels, slope: _slope, intercept: _intercept, windowCenter: _center, windowWidth: _width, monochrome1: _mono, ...described } = image;
  const rgba = new Uint8ClampedArray(image.rows * image.columns * 4);
  paintGrey(image, rgba);
  return { ...described, rgba };
}

/**
 * Stored values through the Modality LUT (rescale) and the linear VOI LUT of PS3.3 C.11.2.1.2.1
 * in the image's own window (base/common/voi-window.ts, as the workstation's viewer shows it),
 * MONOCHROME1 inverted (C.7.6.3.1.2), into grey RGBA.
 */
function paintGrey(image: OnsiteImage, out: Uint8ClampedArray): void {
  const { pixels, slope, intercept } = image;
  // One grey per stored value, looked up for every pixel (the viewer's VOI LUT): a 4096x4096
  // image has 16.8 million pixels, and at most 65,536 stored values.
  if (pixels.length === 0) return;
  const range = storedRange(pixels);
  const { minStored, maxStored } = range;
  const window = ownWindow(image.windowCenter, image.windowWidth, () => rescaledRange(range, slope, intercept));
  const greyOf = buildVoiLut({ minStored, maxStored, rescaleSlope: slope, rescaleIntercept: intercept, window, inverted: image.monochrome1 });
  const rgba = new Uint32Array(out.buffer, out.byteOffset, Math.min(pixels.length, out.length >> 2));
  for (let i = 0; i < rgba.length; i++) rgba[i] = RGBA_OF_GREY[greyOf[pixels[i]! - minStored]!]!;
}
