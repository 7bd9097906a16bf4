import type { QueuedSequence, SequenceKind, SequenceParams } from '../../../protocol/scanner.js';

/** Routine 1.5 T brain parameters (vendor application guides), one per sequence family. */
export const PARAMS: Record<'t1' | 't2' | 'flair' | 'dwi' | 'gre', { kind: SequenceKind; params: SequenceParams }> = {
  t1: { kind: 'SE', params: p({ trMs: 550, teMs: 14, flipAngleDeg: 90 }) },
  t2: { kind: 'TSE', params: p({ trMs: 4000, teMs: 98, flipAngleDeg: 150, echoTrainLength: 11 }) },
  flair: { kind: 'IR-TSE', params: p({ trMs: 9000, teMs: 100, tiMs: 2500, flipAngleDeg: 150, echoTrainLength: 15 }) },
  dwi: { kind: 'EPI-DWI', params: p({ trMs: 4500, teMs: 89, flipAngleDeg: 90, matrixRows: 128, matrixCols: 128, bValues: [0, 1000] }) },
  gre: { kind: 'GRE', params: p({ trMs: 250, teMs: 4.8, flipAngleDeg: 70 }) },
};

function p(over: Partial<SequenceParams>): SequenceParams {
  return {
    trMs: 500,
    teMs: 15,
    tiMs: null,
    flipAngleDeg: 90,
    matrixRows: 256,
    matrixCols: 256,
    fovMm: 230,
    slices: 20,
    sliceThicknessMm: 5,
    averages: 1,
    echoTrainLength: 1,
    bValues: [],
    ...over,
  };
}

export function sequence(which: keyof typeof PARAMS, over: Partial<SequenceParams> = {}, name = `${which} axial`): QueuedSequence {
  const { kind, params } = PARAMS[which];
  return {
    id: `seq-${which}`,
    protocolId: which,
    name,
    kind,
    params: { ...params, ...over },
    acquisitionTimeS: 120,
    status: 'acquiring',
    progress: 0,
    remainingS: 120,
    endReason: null,
    seriesUid: null,
    seriesNumber: null,
  };
}

export const STUDY = {
  studyUid: '2.25.123456789012345678901234567890',
  patientName: 'PHANTOM^HEAD',
  patientId: 'LARMOR-0001',
  studyDescription: 'Brain routine',
};
