import { ErrorCode, LarmorError, type ParamRange, type SequenceKind, type SequenceParams } from '../../protocol/index.js';

type NumericParam = Exclude<keyof SequenceParams, 'tiMs' | 'bValues'>;

/**
 * Editable ranges. Wide enough for any routine clinical protocol, narrow enough that a typo
 * (TR 40000, 2048 matrix, 0 averages) is refused rather than queued.
 */
export const PARAM_LIMITS: Record<NumericParam | 'tiMs', ParamRange> = {
  trMs: { min: 2, max: 15000, step: 0.1 },
  teMs: { min: 1, max: 300, step: 0.1 },
  tiMs: { min: 20, max: 4000, step: 1 },
  flipAngleDeg: { min: 1, max: 180, step: 1 },
  matrixRows: { min: 64, max: 512, step: 16 },
  matrixCols: { min: 64, max: 512, step: 16 },
  fovMm: { min: 100, max: 500, step: 1 },
  slices: { min: 1, max: 128, step: 1 },
  sliceThicknessMm: { min: 0.5, max: 10, step: 0.1 },
  averages: { min: 1, max: 8, step: 1 },
  echoTrainLength: { min: 1, max: 64, step: 1 },
};

const B_VALUE_MAX = 3000;

function invalid(message: string): LarmorError {
  return new LarmorError(ErrorCode.INVALID_PARAMETER, message);
}

/**
 * Apply `changes` to `current` and validate the result as a whole, so that no command is ever
 * half-applied: either every change is valid together, or none is taken.
 */
export function applyParamChanges(kind: SequenceKind, current: SequenceParams, changes: Partial<SequenceParams>): SequenceParams {
  const next: SequenceParams = { ...current, ...changes, bValues: changes.bValues ?? current.bValues };
  for (const [key, range] of Object.entries(PARAM_LIMITS) as [keyof typeof PARAM_LIMITS, ParamRange][]) {
    const value = next[key];
    if (value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${key} must be a number`);
    if (value < range.min || value > range.max) throw invalid(`${key} ${value} is outside ${range.min}..${range.max}`);
    if (range.step >= 1 && !Number.isInteger(value / range.step)) throw invalid(`${key} must be a multiple of ${range.step}`);
  }
  if (next.teMs >= next.trMs) throw invalid(`TE ${next.teMs} ms must be shorter than TR ${next.trMs} ms`);
  if (kind === 'IR-TSE') {
    if (next.tiMs === null) throw invalid('inversion recovery needs TI');
    if (next.tiMs + next.teMs >= next.trMs) throw invalid(`TI ${next.tiMs} ms + TE must fit inside TR ${next.trMs} ms`);
  } else if (changes.tiMs !== undefined && changes.tiMs !== null) {
    throw invalid(`TI applies only to inversion-recovery sequences, not ${kind}`);
  }
  if ((kind === 'SE' || kind === 'GRE' || kind === 'EPI-DWI') && next.echoTrainLength !== 1) {
    throw invalid(`echo train length applies only to turbo spin echo, not ${kind}`);
  }
  if (kind === 'EPI-DWI') {
    if (next.bValues.length === 0 || next.bValues.length > 6) throw invalid('DWI needs 1 to 6 b-values');
    if (next.bValues.some((b) => !Number.isFinite(b) || b < 0 || b > B_VALUE_MAX)) throw invalid(`b-values must be within 0..${B_VALUE_MAX} s/mm2`);
  } else if (changes.bValues !== undefined && changes.bValues.length > 0) {
    throw invalid(`b-values apply only to diffusion sequences, not ${kind}`);
  }
  return next;
}
