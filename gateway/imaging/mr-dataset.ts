/**
 * Builds one MR Image Storage object (SOP Class 1.2.840.10008.5.1.4.1.1.4, IOD PS3.3 A.4) as a
 * Part 10 file, Explicit VR Little Endian, through the shared writer in native-bridge/dicom.
 *
 * Modules written (PS3.3 A.4-1): Patient (C.7.1.1), General Study (C.7.2.1), General Series
 * (C.7.3.1), Frame of Reference (C.7.4.1), General Equipment (C.7.5.1), General Image
 * (C.7.6.1), Image Plane (C.7.6.2), Image Pixel (C.7.6.3), MR Image (C.8.3.1), VOI LUT
 * (C.11.2), SOP Common (C.12.1). Type 2 attributes we do not know are written empty, as the
 * standard asks. The image is marked as simulated and not for diagnostic use in Image Comments.
 */
import { greyImagePixelElements, TransferSyntax, writePart10, type DicomElement } from '../../native-bridge/dicom/index.js';
import type { SequenceKind } from '../../protocol/scanner.js';

export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';

/** Gyromagnetic ratio of 1H / 2pi, MHz/T (CODATA 2018). */
const PROTON_MHZ_PER_T = 42.577478;

export interface MrImageAttributes {
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  studyUid: string;
  studyDescription: string;
  studyDate: Date;
  accessionNumber: string;
  seriesUid: string;
  seriesNumber: number;
  seriesDescription: string;
  seriesDate: Date;
  frameOfReferenceUid: string;
  sopInstanceUid: string;
  instanceNumber: number;
  imagesInAcquisition: number;
  acquisitionDate: Date;
  kind: SequenceKind;
  sequenceName: string;
  trMs: number;
  teMs: number;
  tiMs: number | null;
  flipAngleDeg: number;
  echoTrainLength: number;
  averages: number;
  fieldStrengthT: number;
  /** b-value for diffusion weighting, null when not diffusion-weighted. */
  bValue: number | null;
  rows: number;
  columns: number;
  rowSpacingMm: number;
  columnSpacingMm: number;
  sliceThicknessMm: number;
  spacingBetweenSlicesMm: number;
  /** Centre of the first transmitted pixel (PS3.3 C.7.6.2.1.1). */
  imagePositionMm: [number, number, number];
  /** Image Orientation (Patient): row then column direction cosines; axial when absent. */
  imageOrientation?: readonly [number, number, number, number, number, number];
  sliceLocationMm: number;
  windowCenter: number;
  windowWidth: number;
  /** Stored values, Rows x Columns, 12 significant bits. */
  pixels: Uint16Array;
  manufacturerModelName: string;
  softwareVersion: string;
  institutionName: string;
  stationName: string;
}

/** DA: YYYYMMDD (PS3.5 6.2), UTC so the same seed gives the same bytes on any machine. */
function da(d: Date): string {
  return d.toISOString().slice(0, 10).replaceAll('-', '');
}

/** TM: HHMMSS.FFFFFF (PS3.5 6.2). */
function tm(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}.${iso.slice(20, 23)}`;
}

/** DS: at most 16 characters (PS3.5 6.2). */
function ds(value: number): string {
  const rounded = Number(value.toFixed(6));
  let text = String(rounded);
  if (text.length > 16) text = rounded.toPrecision(10).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : text;
}

/** Scanning Sequence, Sequence Variant, Scan Options (PS3.3 C.8.3.1, defined terms). */
function sequenceCodes(kind: SequenceKind): { scanning: string[]; variant: string[]; options: string } {
  switch (kind) {
    case 'SE':
      return { scanning: ['SE'], variant: ['NONE'], options: '' };
    case 'TSE':
      return { scanning: ['SE'], variant: ['SK'], options: '' };
    case 'IR-TSE':
      return { scanning: ['SE', 'IR'], variant: ['SK'], options: 'IR' };
    case 'GRE':
      return { scanning: ['GR'], variant: ['SP'], options: '' };
    case 'EPI-DWI':
      return { scanning: ['EP'], variant: ['SK', 'SP'], options: 'FS' };
  }
}

function pixelBandwidthHzPerPixel(kind: SequenceKind): number {
  // Typical 1.5 T values: conventional sequences ~130 Hz/px, EPI ~1500 Hz/px.
  return kind === 'EPI-DWI' ? 1502 : kind === 'GRE' ? 260 : 130;
}

export function buildMrImage(a: MrImageAttributes): Uint8Array {
  return writePart10({ transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian, elements: mrImageElements(a) });
}

/** The MR image as writer input, Pixel Data native little-endian (the gateway pipeline encodes and writes it once). */
export function mrImageElements(a: MrImageAttributes): DicomElement[] {
  const codes = sequenceCodes(a.kind);
  const ts = (tag: number, vr: string, value: DicomElement['value']): DicomElement => ({ tag, vr, value });
  const elements: DicomElement[] = [
    // SOP Common (C.12.1). Text is written as UTF-8, so declare ISO_IR 192.
    ts(0x00080005, 'CS', 'ISO_IR 192'),
    ts(0x00080008, 'CS', ['ORIGINAL', 'PRIMARY', 'OTHER']),
    ts(0x00080012, 'DA', da(a.acquisitionDate)),
    ts(0x00080013, 'TM', tm(a.acquisitionDate)),
    ts(0x00080016, 'UI', MR_IMAGE_STORAGE),
    ts(0x00080018, 'UI', a.sopInstanceUid),
    // General Study (C.7.2.1) and Series (C.7.3.1) dates.
    ts(0x00080020, 'DA', da(a.studyDate)),
    ts(0x00080021, 'DA', da(a.seriesDate)),
    ts(0x00080022, 'DA', da(a.acquisitionDate)),
    ts(0x00080023, 'DA', da(a.acquisitionDate)),
    ts(0x00080030, 'TM', tm(a.studyDate)),
    ts(0x00080031, 'TM', tm(a.seriesDate)),
    ts(0x00080032, 'TM', tm(a.acquisitionDate)),
    ts(0x00080033, 'TM', tm(a.acquisitionDate)),
    ts(0x00080050, 'SH', a.accessionNumber),
    ts(0x00080060, 'CS', 'MR'),
    ts(0x00080070, 'LO', 'Larmor'),
    ts(0x00080080, 'LO', a.institutionName),
    ts(0x00080090, 'PN', ''),
    ts(0x00081010, 'SH', a.stationName),
    ts(0x00081030, 'LO', a.studyDescription),
    ts(0x0008103e, 'LO', a.seriesDescription),
    ts(0x00081090, 'LO', a.manufacturerModelName),
    // Patient (C.7.1.1).
    ts(0x00100010, 'PN', a.patientName),
    ts(0x00100020, 'LO', a.patientId),
    ts(0x00100030, 'DA', a.patientBirthDate),
    ts(0x00100040, 'CS', a.patientSex),
    // MR Image (C.8.3.1) acquisition parameters.
    ts(0x00180015, 'CS', 'HEAD'),
    ts(0x00180020, 'CS', codes.scanning),
    ts(0x00180021, 'CS', codes.variant),
    ts(0x00180022, 'CS', codes.options),
    ts(0x00180023, 'CS', '2D'),
    ts(0x00180024, 'SH', a.sequenceName),
    ts(0x00180025, 'CS', 'N'),
    ts(0x00180050, 'DS', ds(a.sliceThicknessMm)),
    ts(0x00180080, 'DS', ds(a.trMs)),
    ts(0x00180081, 'DS', ds(a.teMs)),
    ...(a.tiMs !== null && a.kind === 'IR-TSE' ? [ts(0x00180082, 'DS', ds(a.tiMs))] : []),
    ts(0x00180083, 'DS', ds(a.averages)),
    ts(0x00180084, 'DS', ds(a.fieldStrengthT * PROTON_MHZ_PER_T)),
    ts(0x00180085, 'SH', '1H'),
    ts(0x00180086, 'IS', '1'),
    ts(0x00180087, 'DS', ds(a.fieldStrengthT)),
    ts(0x00180088, 'DS', ds(a.spacingBetweenSlicesMm)),
    ts(0x00180089, 'IS', String(a.rows)),
    ts(0x00180091, 'IS', String(a.echoTrainLength)),
    ts(0x00180093, 'DS', '100'),
    ts(0x00180094, 'DS', ds((100 * a.rows * a.rowSpacingMm) / (a.columns * a.columnSpacingMm))),
    ts(0x00180095, 'DS', ds(pixelBandwidthHzPerPixel(a.kind))),
    ts(0x00181020, 'LO', a.softwareVersion),
    ts(0x00181250, 'SH', 'HEAD'),
    ts(0x00181251, 'SH', 'BODY'),
    // Acquisition Matrix: frequency rows \ frequency columns \ phase rows \ phase columns.
    ts(0x00181310, 'US', [0, a.columns, a.rows, 0]),
    ts(0x00181312, 'CS', 'COL'),
    ts(0x00181314, 'DS', ds(a.flipAngleDeg)),
    ts(0x00185100, 'CS', 'HFS'),
    ...(a.bValue !== null ? [ts(0x00189075, 'CS', a.bValue > 0 ? 'ISOTROPIC' : 'NONE'), ts(0x00189087, 'FD', a.bValue)] : []),
    // General Study/Series/Image identification.
    ts(0x0020000d, 'UI', a.studyUid),
    ts(0x0020000e, 'UI', a.seriesUid),
    ts(0x00200010, 'SH', ''),
    ts(0x00200011, 'IS', String(a.seriesNumber)),
    ts(0x00200012, 'IS', '1'),
    ts(0x00200013, 'IS', String(a.instanceNumber)),
    // Image Plane (C.7.6.2): by default axial, rows along +x, columns along +y (LPS).
    ts(0x00200032, 'DS', a.imagePositionMm.map(ds)),
    ts(0x00200037, 'DS', (a.imageOrientation ?? [1, 0, 0, 0, 1, 0]).map(ds)),
    ts(0x00200052, 'UI', a.frameOfReferenceUid),
    ts(0x00201002, 'IS', String(a.imagesInAcquisition)),
    ts(0x00201040, 'LO', ''),
    ts(0x00201041, 'DS', ds(a.sliceLocationMm)),
    ts(0x00204000, 'LT', `SIMULATED IMAGE - NOT FOR DIAGNOSTIC USE${a.bValue !== null ? ` - b=${a.bValue} s/mm2` : ''}`),
    // Image Pixel (C.7.6.3): 16-bit words holding 12-bit unsigned values.
    ...greyImagePixelElements({ rows: a.rows, columns: a.columns, bitsStored: 12 }),
    ts(0x00280030, 'DS', [ds(a.rowSpacingMm), ds(a.columnSpacingMm)]),
    ts(0x00280301, 'CS', 'NO'),
    // VOI LUT (C.11.2).
    ts(0x00281050, 'DS', ds(a.windowCenter)),
    ts(0x00281051, 'DS', ds(a.windowWidth)),
    ts(0x7fe00010, 'OW', a.pixels),
  ];
  return elements;
}
