import type { PreviewImage } from '../../../protocol/api.js';
import { pixelStats, toViewerImage, type ViewerImage } from '../../../renderer/src/viewer/pixels.js';
import { buildVoiLut } from '../../../base/common/voi-window.js';
import { imageWindow } from '../../../renderer/src/viewer/window-level.js';

/** Little-endian sample bytes, as the core sends them, for the given stored values. */
export function samples(values: number[], bits: 8 | 16, signed: boolean): ArrayBuffer {
  const buffer = new ArrayBuffer(values.length * (bits / 8));
  const view = new DataView(buffer);
  values.forEach((v, i) => {
    if (bits === 8 && signed) view.setInt8(i, v);
    else if (bits === 8) view.setUint8(i, v);
    else if (signed) view.setInt16(i * 2, v, true);
    else view.setUint16(i * 2, v, true);
  });
  return buffer;
}

let sop = 0;

/** A small preview image; pixels default to a 2 x 2 unsigned 16-bit ramp. */
export function preview(extra: Partial<PreviewImage> = {}): PreviewImage {
  sop += 1;
  return {
    seriesUid: '1.2.3.1',
    seriesNumber: 1,
    seriesDescription: 'T2 TSE axial',
    sopInstanceUid: `1.2.3.1.${sop}`,
    instanceNumber: sop,
    imagesInSeries: null,
    rows: 2,
    columns: 2,
    bitsAllocated: 16,
    pixelRepresentation: 0,
    photometricInterpretation: 'MONOCHROME2',
    rescaleSlope: 1,
    rescaleIntercept: 0,
    windowCenter: null,
    windowWidth: null,
    pixelSpacingMm: [0.5, 0.5],
    sliceLocationMm: 12.5,
    sliceThicknessMm: 5,
    patientName: 'DOE^JANE',
    patientId: 'P1',
    studyDescription: 'Brain',
    gatewayAt: '2026-01-01T10:00:00.000Z',
    pixels: samples([0, 100, 200, 300], 16, false),
    ...extra,
  };
}

export function viewerImage(extra: Partial<PreviewImage> = {}, arrival = 1): ViewerImage {
  return toViewerImage(preview(extra), arrival);
}

/**
 * The grey the workstation's viewer shows for each pixel of `image` in its own window, through
 * the viewer's own VOI LUT: what every other picture of the image (the desk's thumbnail, the
 * onsite console) must match.
 */
export function viewerGreys(image: PreviewImage): number[] {
  const viewed = toViewerImage(image, 0);
  const { minStored, maxStored } = pixelStats(viewed.pixels);
  const { rescaleSlope, rescaleIntercept } = viewed.meta;
  const lut = buildVoiLut({ minStored, maxStored, rescaleSlope, rescaleIntercept, window: imageWindow(viewed), inverted: false });
  return Array.from(viewed.pixels, (stored) => lut[stored - minStored]!);
}
