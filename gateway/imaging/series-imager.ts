/**
 * Renders the images of one simulated series: phantom slice -> signal equation of the sequence
 * -> Rician noise -> 12-bit stored values -> MR Image Storage Part 10 file.
 *
 * Series layout: `slices` contiguous axial slices (10% gap) centred on the ventricles; for
 * EPI-DWI one block of all slices per b-value, in the order of `bValues`. The three-plane
 * localizer splits its slices into sagittal, coronal and axial thirds (slice-planes.ts). Image i is
 * Instance Number i + 1. Scaling and window are fixed per series (per b-value for DWI), so
 * slices of a series compare like those of a real scanner's series.
 */
import { LarmorError } from '../../protocol/errors.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { QueuedSequence } from '../../protocol/scanner.js';
import { TransferSyntax, writePart10, type DicomElement } from '../../native-bridge/dicom/index.js';
import { mrImageElements } from './mr-dataset.js';
import { hashSeed, seededRandom } from '../../base/common/random.js';
import { addRicianNoise, noiseSigma } from './noise.js';
import { imagePlane, isThreePlane, planeTissueMap, type ImagePlane, type PlaneLayout } from './slice-planes.js';
import { tissueSignalTable } from './signal.js';
import { Tissue } from './tissues.js';
import { uidFromName } from '../../base/node/uids.js';

interface StudyInfo {
  studyUid: string;
  patientName: string;
  patientId: string;
  studyDescription: string;
  /** YYYYMMDD or null/absent (written empty: type 2). */
  patientBirthDate?: string | null;
  patientSex?: 'M' | 'F' | 'O' | null;
  accessionNumber?: string | null;
  /** When the exam was opened; defaults to `acquiredAt`. */
  studyDate?: Date;
}

export interface SeriesImagerOptions {
  study: StudyInfo;
  sequence: QueuedSequence;
  seriesNumber: number;
  seriesUid: string;
  /** Noise seed; defaults to a hash of the series UID. Same options + seed = same bytes. */
  seed?: number;
  /** Start of the acquisition (Series/Acquisition Date and Time); defaults to now. */
  acquiredAt?: Date;
  fieldStrengthT?: number;
  institutionName?: string;
  stationName?: string;
  softwareVersion?: string;
}

interface SliceInfo {
  index: number;
  instanceNumber: number;
  sopInstanceUid: string;
  sliceLocationMm: number;
  bValue: number | null;
}

export interface SeriesImager {
  readonly imagesInSeries: number;
  readonly seriesDescription: string;
  /** Identity and position of image `index` without rendering it. */
  sliceInfo(index: number): SliceInfo;
  /** Complete Part 10 file of image `index` (0-based), Explicit VR Little Endian. */
  renderSlice(index: number): Uint8Array;
  /** The same slice as writer input with native Pixel Data, for a caller that encodes and writes it once. */
  renderSliceElements(index: number): DicomElement[];
}

/** Largest stored value (Bits Stored 12). */
const MAX_STORED = 4095;
/** The brightest tissue of a series lands here, leaving headroom for noise. */
const TARGET_PEAK = 3000;
const SLICE_GAP_FRACTION = 0.1;

function invalid(message: string): LarmorError {
  return new LarmorError(ErrorCode.IMAGE_INVALID_SEQUENCE, message);
}

function validate(seq: QueuedSequence): void {
  const p = seq.params;
  const intIn = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!intIn(p.matrixRows, 16, 1024) || !intIn(p.matrixCols, 16, 1024)) {
    throw invalid(`matrix ${p.matrixRows}x${p.matrixCols} is outside 16..1024`);
  }
  if (!intIn(p.slices, 1, 1024)) throw invalid(`slice count ${p.slices} is outside 1..1024`);
  for (const [name, v] of [
    ['fovMm', p.fovMm],
    ['sliceThicknessMm', p.sliceThicknessMm],
    ['trMs', p.trMs],
  ] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw invalid(`${name} must be a positive number, got ${v}`);
  }
  if (!(Number.isFinite(p.teMs) && p.teMs >= 0)) throw invalid(`teMs must be >= 0, got ${p.teMs}`);
  if (seq.kind === 'EPI-DWI' && p.bValues.some((b) => !(Number.isFinite(b) && b >= 0))) {
    throw invalid('b-values must be non-negative numbers');
  }
}

function sequenceName(seq: QueuedSequence): string {
  const etl = seq.params.echoTrainLength;
  switch (seq.kind) {
    case 'SE':
      return '*se2d1';
    case 'TSE':
      return `*tse2d1_${etl}`;
    case 'IR-TSE':
      return `*tir2d1_${etl}`;
    case 'GRE':
      return '*fl2d1';
    case 'EPI-DWI':
      return '*ep_b';
  }
}

export function createSeriesImager(opts: SeriesImagerOptions): SeriesImager {
  const { sequence: seq, study } = opts;
  validate(seq);
  const p = seq.params;
  const bValues = seq.kind === 'EPI-DWI' ? (p.bValues.length > 0 ? p.bValues : [0]) : [null];
  const imagesInSeries = p.slices * bValues.length;
  const acquiredAt = opts.acquiredAt ?? new Date();
  const seed = opts.seed ?? hashSeed(opts.seriesUid);
  const fieldStrengthT = opts.fieldStrengthT ?? 1.5;

  // Full FOV in both directions, matrix as given: pixels are square only for a square matrix.
  const rowSpacingMm = p.fovMm / p.matrixRows;
  const columnSpacingMm = p.fovMm / p.matrixCols;
  const spacingBetweenSlicesMm = p.sliceThicknessMm * (1 + SLICE_GAP_FRACTION);
  const sigma = noiseSigma({
    pixelSpacingMm: Math.sqrt(rowSpacingMm * columnSpacingMm),
    sliceThicknessMm: p.sliceThicknessMm,
    rows: p.matrixRows,
    columns: p.matrixCols,
    averages: p.averages,
  });

  // Signal tables per b-value; scale fixed by the b=0 (or only) table so DWI decays visibly.
  const tables = bValues.map((b) => tissueSignalTable({ kind: seq.kind, params: p, bValue: b ?? 0 }));
  const peak = Math.max(...tables[0]);
  const scale = peak > 0 ? TARGET_PEAK / peak : 1;
  const windows = tables.map((t) => {
    // Window over the brain (WM, GM, CSF) plus noise headroom; fat may saturate, as clinically.
    const brainTop = Math.max(t[Tissue.whiteMatter], t[Tissue.greyMatter], t[Tissue.csf]) * scale;
    const top = Math.min(MAX_STORED, Math.max(brainTop * 1.15, 8 * sigma * scale));
    return { center: Math.round(top / 2), width: Math.max(2, Math.round(top)) };
  });

  const layout: PlaneLayout = { rows: p.matrixRows, columns: p.matrixCols, rowSpacingMm, columnSpacingMm, spacingBetweenSlicesMm, slices: p.slices };
  const threePlane = isThreePlane(seq);
  const planeOf = (index: number): ImagePlane => imagePlane(layout, index % p.slices, threePlane);

  const frameOfReferenceUid = uidFromName(`${study.studyUid}/frame-of-reference`);
  const seriesDescription = seq.name;

  function sliceInfo(index: number): SliceInfo {
    if (!Number.isInteger(index) || index < 0 || index >= imagesInSeries) {
      throw new LarmorError(ErrorCode.IMAGE_SLICE_OUT_OF_RANGE, `image index ${index} is outside 0..${imagesInSeries - 1}`);
    }
    const bValue = bValues[Math.floor(index / p.slices)];
    return {
      index,
      instanceNumber: index + 1,
      sopInstanceUid: uidFromName(`${opts.seriesUid}/${index + 1}`),
      sliceLocationMm: planeOf(index).locationMm,
      bValue,
    };
  }

  function renderPixels(info: SliceInfo): Uint16Array {
    const phantom = planeTissueMap(layout, planeOf(info.index), p.sliceThicknessMm);
    const table = tables[Math.floor(info.index / p.slices)];
    const n = p.matrixRows * p.matrixCols;
    const signal = new Float32Array(n);
    const { tissueA, tissueB, fractionB } = phantom;
    for (let i = 0; i < n; i++) {
      const sa = table[tissueA[i]];
      signal[i] = sa + ((table[tissueB[i]] - sa) * fractionB[i]) / 255;
    }
    addRicianNoise(signal, sigma, seededRandom(hashSeed(`${seed}/${info.index}`)));
    const pixels = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const v = Math.round(signal[i] * scale);
      pixels[i] = v > MAX_STORED ? MAX_STORED : v;
    }
    return pixels;
  }

  function renderSlice(index: number): Uint8Array {
    return writePart10({ transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian, elements: renderSliceElements(index) });
  }

  function renderSliceElements(index: number): DicomElement[] {
    const info = sliceInfo(index);
    const window = windows[Math.floor(index / p.slices)];
    const plane = planeOf(index);
    // Each image's time: its share of the acquisition after the start.
    const imageTime = new Date(acquiredAt.getTime() + (seq.acquisitionTimeS * 1000 * (index + 1)) / imagesInSeries);
    return mrImageElements({
      patientName: study.patientName,
      patientId: study.patientId,
      patientBirthDate: study.patientBirthDate ?? '',
      patientSex: study.patientSex ?? '',
      studyUid: study.studyUid,
      studyDescription: study.studyDescription,
      studyDate: study.studyDate ?? acquiredAt,
      accessionNumber: study.accessionNumber ?? '',
      seriesUid: opts.seriesUid,
      seriesNumber: opts.seriesNumber,
      seriesDescription,
      seriesDate: acquiredAt,
      frameOfReferenceUid,
      sopInstanceUid: info.sopInstanceUid,
      instanceNumber: info.instanceNumber,
      imagesInAcquisition: imagesInSeries,
      acquisitionDate: imageTime,
      kind: seq.kind,
      sequenceName: info.bValue !== null ? `${sequenceName(seq)}${info.bValue}` : sequenceName(seq),
      trMs: p.trMs,
      teMs: p.teMs,
      tiMs: p.tiMs,
      flipAngleDeg: p.flipAngleDeg,
      echoTrainLength: p.echoTrainLength,
      averages: p.averages,
      fieldStrengthT,
      bValue: info.bValue,
      rows: p.matrixRows,
      columns: p.matrixCols,
      rowSpacingMm,
      columnSpacingMm,
      sliceThicknessMm: p.sliceThicknessMm,
      spacingBetweenSlicesMm,
      imagePositionMm: plane.positionMm,
      imageOrientation: plane.orientation,
      sliceLocationMm: info.sliceLocationMm,
      windowCenter: window.center,
      windowWidth: window.width,
      pixels: renderPixels(info),
      manufacturerModelName: 'Larmor scanner simulator',
      softwareVersion: opts.softwareVersion ?? 'larmor 0.1.0',
      institutionName: opts.institutionName ?? '',
      stationName: opts.stationName ?? 'LARMOR-SIM',
    });
  }

  return { imagesInSeries, seriesDescription, sliceInfo, renderSlice, renderSliceElements };
}
