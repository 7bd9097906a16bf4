import { THUMBNAIL_MAX_EDGE, type SeriesThumbnail } from '../../protocol/index.js';
import { Tag, imageInfo, pixelDataFrames, readPart10, type DataSet, type DicomFile } from '../../native-bridge/dicom/index.js';
import { imageCodecs as defaultCodecs, requirePixelData, type ImageCodecs } from '../../native-bridge/index.js';

const PixelSpacing = 0x00280030;
const WindowCenter = 0x00281050;
const WindowWidth = 0x00281051;
const RescaleIntercept = 0x00281052;
const RescaleSlope = 0x00281053;

/**
 * A small 8-bit picture of one image for the series catalogue: its first frame, sampled down to
 * at most THUMBNAIL_MAX_EDGE on a side with the shape its pixel spacing gives (PS3.3 C.7.6.2.1.1,
 * Pixel Spacing is row then column), rescaled (C.7.6.16.2.11) and windowed with the image's own
 * window, else its value range (C.11.2.1.2.1, linear). Null for what it cannot read or show:
 * the catalogue then carries no thumbnail for that image, never a wrong one.
 */
export function makeSeriesThumbnail(part10: Uint8Array, sopInstanceUid: string, codecs: ImageCodecs = defaultCodecs): SeriesThumbnail | null {
  let file: DicomFile;
  try {
    file = readPart10(part10);
  } catch {
    return null;
  }
  return seriesThumbnailOf(file, sopInstanceUid, codecs);
}

/** makeSeriesThumbnail of an object already read (thumbnail-pool.ts reads it to choose where to decode). */
export function seriesThumbnailOf(file: DicomFile, sopInstanceUid: string, codecs: ImageCodecs = defaultCodecs): SeriesThumbnail | null {
  try {
    const ds = file.dataset;
    requirePixelData(ds);
    const info = imageInfo(ds);
    if (info.samplesPerPixel !== 1 || (info.bitsAllocated !== 8 && info.bitsAllocated !== 16)) return null;
    const frame = pixelDataFrames(file).frames[0];
    if (frame === undefined) return null;
    const bytes = codecs.decodeFrame(file.transferSyntaxUid, frame, info);
    const samples = storedSamples(bytes, info.bitsAllocated, ds.number(Tag.PixelRepresentation) === 1, info.rows * info.columns);
    const slope = decimal(ds, RescaleSlope) ?? 1;
    const intercept = decimal(ds, RescaleIntercept) ?? 0;
    const { rows, columns } = thumbnailShape(info.rows, info.columns, ds);
    const out = new Uint8Array(rows * columns);
    const source = new Float64Array(rows * columns);
    for (let r = 0; r < rows; r++) {
      const sr = Math.min(info.rows - 1, Math.floor(((r + 0.5) * info.rows) / rows));
      for (let c = 0; c < columns; c++) {
        const sc = Math.min(info.columns - 1, Math.floor(((c + 0.5) * info.columns) / columns));
        source[r * columns + c] = samples[sr * info.columns + sc]! * slope + intercept;
      }
    }
    const window = imageWindow(ds, source);
    const inverted = ds.string(Tag.PhotometricInterpretation) === 'MONOCHROME1';
    for (let i = 0; i < source.length; i++) {
      // PS3.3 C.11.2.1.2.1: linear, centre c - 0.5, width w - 1.
      const x = source[i]!;
      const c = window.center - 0.5;
      const w = Math.max(1, window.width - 1);
      const y = x <= c - w / 2 ? 0 : x > c + w / 2 ? 255 : ((x - c) / w + 0.5) * 255;
      out[i] = inverted ? 255 - Math.round(y) : Math.round(y);
    }
    return { rows, columns, pixels: Buffer.from(out).toString('base64'), sopInstanceUid };
  } catch {
    return null;
  }
}

function storedSamples(bytes: Uint8Array, bitsAllocated: 8 | 16 | number, signed: boolean, count: number): ArrayLike<number> {
  if (bitsAllocated === 8) return signed ? new Int8Array(bytes.buffer, bytes.byteOffset, count) : bytes;
  // A typed view needs an even offset; a copy otherwise (one small image), made with the
  // Uint8Array constructor: a Buffer's slice() is a view at the same odd offset.
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : new Uint8Array(bytes);
  return signed ? new Int16Array(aligned.buffer, aligned.byteOffset, count) : new Uint16Array(aligned.buffer, aligned.byteOffset, count);
}

function thumbnailShape(rows: number, columns: number, ds: DataSet): { rows: number; columns: number } {
  const spacing = ds.strings(PixelSpacing)?.map(Number);
  const [rowMm, columnMm] = spacing && spacing.length === 2 && spacing.every((v) => Number.isFinite(v) && v > 0) ? spacing : [1, 1];
  const height = rows * rowMm!;
  const width = columns * columnMm!;
  // Millimetres to thumbnail pixels: the longer side gets the full edge.
  const scale = THUMBNAIL_MAX_EDGE / Math.max(height, width);
  return {
    rows: Math.max(1, Math.min(THUMBNAIL_MAX_EDGE, rows, Math.round(height * scale))),
    columns: Math.max(1, Math.min(THUMBNAIL_MAX_EDGE, columns, Math.round(width * scale))),
  };
}

function imageWindow(ds: DataSet, values: Float64Array): { center: number; width: number } {
  const center = decimal(ds, WindowCenter);
  const width = decimal(ds, WindowWidth);
  if (center !== null && width !== null && width >= 1) return { center, width };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { center: (min + max) / 2 + 0.5, width: Math.max(1, max - min) + 1 };
}

function decimal(ds: DataSet, tag: number): number | null {
  const first = ds.strings(tag)?.[0];
  if (first === undefined || first === '') return null;
  const value = Number(first);
  return Number.isFinite(value) ? value : null;
}
