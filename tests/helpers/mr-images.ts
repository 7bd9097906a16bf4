import { buildMrImage } from '../../gateway/imaging/mr-dataset.js';

/** A real MR object (the simulator's writer): `rows` x `columns`, a bright disc on black (or on noise). */
export function mrImage(
  series: number,
  instance: number,
  options: {
    rows?: number;
    columns?: number;
    rowSpacingMm?: number;
    columnSpacingMm?: number;
    patientName?: string;
    seriesDescription?: string;
    noise?: boolean;
  } = {},
): Uint8Array {
  const rows = options.rows ?? 32;
  const columns = options.columns ?? 32;
  const pixels = new Uint16Array(rows * columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) pixels[r * columns + c] = Math.hypot(r - rows / 2, c - columns / 2) < rows / 4 ? 1000 : 0;
  // Noise as in a real acquisition: RLE then hardly compresses it (sizes as on the wire).
  if (options.noise) for (let i = 0; i < pixels.length; i++) pixels[i] = (pixels[i]! + ((i * 2654435761) >>> 20)) & 0xfff;
  const now = new Date('2026-12-01T10:00:00Z');
  return buildMrImage({
    patientName: options.patientName ?? 'DOE^JANE',
    patientId: 'PID-1',
    patientBirthDate: '',
    patientSex: '',
    studyUid: '2.25.1',
    studyDescription: 'Test',
    studyDate: now,
    accessionNumber: '',
    seriesUid: `2.25.1.${series}`,
    seriesNumber: series,
    seriesDescription: options.seriesDescription ?? `Series ${series}`,
    seriesDate: now,
    frameOfReferenceUid: '2.25.9',
    sopInstanceUid: `2.25.1.${series}.${instance}`,
    instanceNumber: instance,
    imagesInAcquisition: 3,
    acquisitionDate: now,
    kind: 'GRE',
    sequenceName: 'test',
    trMs: 100,
    teMs: 5,
    tiMs: null,
    flipAngleDeg: 30,
    echoTrainLength: 1,
    averages: 1,
    fieldStrengthT: 1.5,
    bValue: null,
    rows,
    columns,
    rowSpacingMm: options.rowSpacingMm ?? 1,
    columnSpacingMm: options.columnSpacingMm ?? 1,
    sliceThicknessMm: 5,
    spacingBetweenSlicesMm: 5,
    imagePositionMm: [0, 0, 0],
    sliceLocationMm: 0,
    windowCenter: 500,
    windowWidth: 1000,
    pixels,
    manufacturerModelName: 'test',
    softwareVersion: 'test',
    institutionName: '',
    stationName: '',
  });
}
