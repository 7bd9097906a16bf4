/**
 * The onsite console's view of a live image, read by the same decoder the workstation uses
 * (native-bridge/preview-image.ts: one DICOM reader and one codec per transfer syntax, RLE
 * Lossless through its TypeScript codec here, since a page has no addon). Anything that decoder
 * refuses is reported with its code, not guessed at.
 */
import { codeOf, ErrorCode, type PreviewImage } from '../../protocol/index.js';
import { createImageCodecs } from '../../native-bridge/image-codecs.js';
import { toPreviewImages } from '../../native-bridge/preview-image.js';
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

/** Reads the image (the first frame of a multi-frame object); throws UnshownImage with the reason when it cannot be shown. */
export function readOnsiteImage(part10: Uint8Array): OnsiteImage {
  let image: PreviewImage | undefined;
  try {
    image = toPreviewImages({ part10, gatewayAt: '', imagesInSeries: null }, codecs)[0];
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
