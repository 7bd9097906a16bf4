import { ErrorCode, LarmorError, previewImageUid, type PreviewImage } from '../protocol/index.js';
import { Tag, imageInfo, pixelDataFrames, readPart10, type DataSet } from './dicom/index.js';
import { requirePixelData, type ImageCodecs } from './image-codecs.js';
import { checkImageLimits, DEFAULT_IMAGE_LIMITS, type ImageLimits } from './image-limits.js';

const T = {
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  StudyDescription: 0x00081030,
  SeriesDescription: 0x0008103e,
  SeriesInstanceUID: 0x0020000e,
  SeriesNumber: 0x00200011,
  InstanceNumber: 0x00200013,
  SliceLocation: 0x00201041,
  SliceThickness: 0x00180050,
  PixelSpacing: 0x00280030,
  PixelAspectRatio: 0x00280034,
  ImagePositionPatient: 0x00200032,
  ImageOrientationPatient: 0x00200037,
  FrameOfReferenceUID: 0x00200052,
  WindowCenter: 0x00281050,
  WindowWidth: 0x00281051,
  RescaleIntercept: 0x00281052,
  RescaleSlope: 0x00281053,
} as const;

export interface PreviewSource {
  part10: Uint8Array;
  gatewayAt: string;
  imagesInSeries: number | null;
}

/**
 * Decode one DICOM Part 10 image into preview images (one per frame): stored pixel values,
 * little-endian, plus what the viewer needs to display them (PS3.3 C.7.6.3 Image Pixel,
 * C.11.2 VOI LUT, C.7.6.16 / C.8.3.1 rescale). Anything the viewer cannot show faithfully is
 * refused with a code instead of being shown wrong.
 */
export function toPreviewImages(
  source: PreviewSource,
  codecs: ImageCodecs,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
  /** Decode the first frame only (a viewer that shows no other), described as it is among all of them. */
  firstFrameOnly = false,
): PreviewImage[] {
  const file = readPart10(source.part10);
  const ds = file.dataset;
  requirePixelData(ds);
  const info = imageInfo(ds);
  // Before anything is decoded or allocated: the declared size against the workstation's caps.
  checkImageLimits(info, limits);
  const frameCodec = codecs.codecFor(file.transferSyntaxUid);
  const photometric = ds.string(Tag.PhotometricInterpretation);
  if (info.samplesPerPixel !== 1 || (photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2')) {
    throw new LarmorError(
      ErrorCode.UNSUPPORTED_IMAGE,
      `${photometric ?? 'unknown'} with ${info.samplesPerPixel} samples per pixel is not a greyscale MR image`,
    );
  }
  if (info.bitsAllocated !== 8 && info.bitsAllocated !== 16) {
    throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, `${info.bitsAllocated}-bit pixels are not supported by the viewer`);
  }
  const { frames } = pixelDataFrames(file);
  const decoded = (firstFrameOnly ? frames.slice(0, 1) : frames).map((frame) => frameCodec.decodeFrame(frame, info));
  const multiFrame = frames.length > 1;

  const sopInstanceUid = ds.string(Tag.SOPInstanceUID) ?? '';
  const seriesUid = ds.string(T.SeriesInstanceUID) ?? '';
  const instanceNumber = integer(ds, T.InstanceNumber);
  const spacing = ds.strings(T.PixelSpacing)?.map(Number);
  const base = {
    seriesUid,
    seriesNumber: integer(ds, T.SeriesNumber),
    seriesDescription: ds.string(T.SeriesDescription) ?? '',
    imagesInSeries: source.imagesInSeries,
    rows: info.rows,
    columns: info.columns,
    bitsAllocated: info.bitsAllocated as 8 | 16,
    pixelRepresentation: (ds.number(Tag.PixelRepresentation) === 1 ? 1 : 0) as 0 | 1,
    photometricInterpretation: photometric as 'MONOCHROME1' | 'MONOCHROME2',
    rescaleSlope: decimal(ds, T.RescaleSlope) ?? 1,
    rescaleIntercept: decimal(ds, T.RescaleIntercept) ?? 0,
    windowCenter: decimal(ds, T.WindowCenter),
    windowWidth: decimal(ds, T.WindowWidth),
    pixelSpacingMm: spacing && spacing.length === 2 && spacing.every(Number.isFinite) ? ([spacing[0], spacing[1]] as [number, number]) : null,
    pixelAspectRatio: numbers(ds, T.PixelAspectRatio, 2, (v) => v > 0) as [number, number] | null,
    imageOrientationPatient: numbers(ds, T.ImageOrientationPatient, 6) as [number, number, number, number, number, number] | null,
    imagePositionPatient: numbers(ds, T.ImagePositionPatient, 3) as [number, number, number] | null,
    frameOfReferenceUid: ds.string(T.FrameOfReferenceUID) || null,
    sliceLocationMm: decimal(ds, T.SliceLocation),
    sliceThicknessMm: decimal(ds, T.SliceThickness),
    patientName: ds.string(T.PatientName) ?? '',
    patientId: ds.string(T.PatientID) ?? '',
    studyDescription: ds.string(T.StudyDescription) ?? '',
    gatewayAt: source.gatewayAt,
  };
  return decoded.map((pixels, frame) => ({
    ...base,
    // Frames of a multi-frame object are shown as images of their own.
    sopInstanceUid: previewImageUid(sopInstanceUid, multiFrame ? frame + 1 : null),
    instanceNumber: multiFrame ? frame + 1 : instanceNumber,
    imagesInSeries: multiFrame ? frames.length : source.imagesInSeries,
    pixels: ownBuffer(pixels),
  }));
}

/** An ArrayBuffer holding exactly these bytes: the decoder's own output is handed over as is. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  // The Uint8Array constructor copies: a Buffer's slice() is a view, whose .buffer is all of the
  // memory it sits in (a whole WebSocket message, a pool slab).
  return new Uint8Array(bytes).buffer;
}

function decimal(ds: DataSet, tag: number): number | null {
  const first = ds.strings(tag)?.[0];
  if (first === undefined || first === '') return null;
  const value = Number(first);
  return Number.isFinite(value) ? value : null;
}

/** A multi-valued decimal attribute with exactly `count` finite values (each passing `valid`), else null. */
function numbers(ds: DataSet, tag: number, count: number, valid: (value: number) => boolean = () => true): number[] | null {
  const values = ds.strings(tag)?.map(Number);
  return values && values.length === count && values.every((v) => Number.isFinite(v) && valid(v)) ? values : null;
}

function integer(ds: DataSet, tag: number): number | null {
  const value = decimal(ds, tag);
  return value === null ? null : Math.trunc(value);
}
