import type { ProtocolTemplate, SequenceKind, SequenceParams } from '../../protocol/index.js';
import { acquisitionTimeS } from './acquisition-time.js';

/**
 * A routine brain protocol at 1.5 T, with parameters in the ranges published in vendor
 * application guides and the ACR MRI accreditation phantom/brain protocol guidance
 * (T1 SE: TR 400-600 ms, TE 10-20 ms; T2 TSE: TR 3000-5000 ms, TE 80-120 ms;
 * FLAIR: TR 8000-10000 ms, TI 2000-2500 ms to null CSF at 1.5 T).
 */
function template(id: string, name: string, kind: SequenceKind, params: SequenceParams): ProtocolTemplate {
  return { id, name, kind, params, acquisitionTimeS: acquisitionTimeS(kind, params) };
}

const base = { tiMs: null, bValues: [] as number[], echoTrainLength: 1, averages: 1 };

export const PROTOCOL_LIBRARY: readonly ProtocolTemplate[] = [
  template('localizer', 'Localizer 3-plane', 'GRE', {
    ...base,
    trMs: 8.6,
    teMs: 4,
    flipAngleDeg: 20,
    matrixRows: 128,
    matrixCols: 256,
    fovMm: 250,
    slices: 9,
    sliceThicknessMm: 7,
    averages: 1,
  }),
  template('t1-se-ax', 'T1 SE axial', 'SE', {
    ...base,
    trMs: 550,
    teMs: 14,
    flipAngleDeg: 90,
    matrixRows: 192,
    matrixCols: 256,
    fovMm: 230,
    slices: 20,
    sliceThicknessMm: 5,
    averages: 2,
  }),
  template('t2-tse-ax', 'T2 TSE axial', 'TSE', {
    ...base,
    trMs: 4000,
    teMs: 98,
    flipAngleDeg: 150,
    matrixRows: 256,
    matrixCols: 256,
    fovMm: 230,
    slices: 20,
    sliceThicknessMm: 5,
    averages: 2,
    echoTrainLength: 11,
  }),
  template('flair-ax', 'FLAIR axial', 'IR-TSE', {
    ...base,
    trMs: 9000,
    teMs: 100,
    tiMs: 2500,
    flipAngleDeg: 150,
    matrixRows: 192,
    matrixCols: 256,
    fovMm: 230,
    slices: 20,
    sliceThicknessMm: 5,
    averages: 1,
    echoTrainLength: 15,
  }),
  template('dwi-ax', 'DWI EPI axial b0/b1000', 'EPI-DWI', {
    ...base,
    trMs: 4500,
    teMs: 89,
    flipAngleDeg: 90,
    matrixRows: 128,
    matrixCols: 128,
    fovMm: 230,
    slices: 20,
    sliceThicknessMm: 5,
    averages: 2,
    bValues: [0, 1000],
  }),
  template('t1-gre-ax', 'T1 FLASH 2D axial', 'GRE', {
    ...base,
    trMs: 250,
    teMs: 4.8,
    flipAngleDeg: 70,
    matrixRows: 256,
    matrixCols: 256,
    fovMm: 230,
    slices: 20,
    sliceThicknessMm: 5,
    averages: 1,
  }),
];

export function findTemplate(id: string): ProtocolTemplate | undefined {
  return PROTOCOL_LIBRARY.find((t) => t.id === id);
}
