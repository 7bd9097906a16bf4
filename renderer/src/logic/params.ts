import type { ParamRange, QueuedSequence, SequenceKind, SequenceParams } from '../../../protocol/scanner.js';
import { formatParamValue } from './format.js';

type NumericParamKey = Exclude<keyof SequenceParams, 'bValues'>;

export interface ParamField {
  key: NumericParamKey;
  /** Console abbreviation, as on vendor parameter cards. */
  label: string;
  unit: string;
  integer: boolean;
  /** Whether this parameter means anything for this sequence family. */
  appliesTo(kind: SequenceKind, params: SequenceParams): boolean;
}

const always = () => true;

/** The parameter card, in the order MR consoles list it. */
export const PARAM_FIELDS: readonly ParamField[] = [
  { key: 'trMs', label: 'TR', unit: 'ms', integer: false, appliesTo: always },
  { key: 'teMs', label: 'TE', unit: 'ms', integer: false, appliesTo: always },
  // TI exists only for inversion recovery; the gateway refuses it elsewhere.
  { key: 'tiMs', label: 'TI', unit: 'ms', integer: false, appliesTo: (_k, p) => p.tiMs !== null },
  { key: 'flipAngleDeg', label: 'FA', unit: '°', integer: false, appliesTo: always },
  { key: 'matrixRows', label: 'Matrix (phase)', unit: '', integer: true, appliesTo: always },
  { key: 'matrixCols', label: 'Matrix (freq)', unit: '', integer: true, appliesTo: always },
  { key: 'fovMm', label: 'FOV', unit: 'mm', integer: false, appliesTo: always },
  { key: 'slices', label: 'Slices', unit: '', integer: true, appliesTo: always },
  { key: 'sliceThicknessMm', label: 'Thickness', unit: 'mm', integer: false, appliesTo: always },
  { key: 'averages', label: 'Averages', unit: '', integer: true, appliesTo: always },
  // Echo train length (turbo factor) is a turbo spin echo parameter only.
  { key: 'echoTrainLength', label: 'ETL', unit: '', integer: true, appliesTo: (k) => k === 'TSE' || k === 'IR-TSE' },
];

export type ParamDraft = Partial<Record<NumericParamKey, string>>;

/**
 * Check one typed value against the scanner's published limits. Returns the message shown next
 * to the field, or null when the value is acceptable. A parameter without published limits is
 * not editable, because the console cannot tell the technologist what is allowed.
 */
export function validateParam(field: ParamField, text: string, range: ParamRange | undefined): string | null {
  if (!range) return 'No limits published for this parameter';
  const trimmed = text.trim();
  if (trimmed === '') return 'Required';
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return 'Not a number';
  if (field.integer && !Number.isInteger(value)) return 'Whole number';
  if (value < range.min || value > range.max) return `${formatParamValue(range.min)}–${formatParamValue(range.max)}`;
  if (range.step > 0) {
    const steps = value / range.step;
    // Tolerance for decimal steps (0.1) that binary floats cannot represent exactly.
    if (Math.abs(steps - Math.round(steps)) > 1e-6) return `Steps of ${formatParamValue(range.step)}`;
  }
  return null;
}

export interface DraftCheck {
  /** Messages by field key, for fields whose text is not acceptable. */
  errors: Partial<Record<NumericParamKey, string>>;
  /** Changes to send (only fields that differ from the sequence), when there are no errors. */
  changes: Partial<SequenceParams>;
}

/**
 * Validate every edited field of a draft and work out the `sequence.edit` changes. Also checks
 * the one cross-field rule any console enforces before sending: TE shorter than TR.
 */
export function checkDraft(sequence: Pick<QueuedSequence, 'kind' | 'params'>, draft: ParamDraft, limits: Record<string, ParamRange>): DraftCheck {
  const errors: DraftCheck['errors'] = {};
  const changes: Partial<Record<NumericParamKey, number>> = {};
  for (const field of PARAM_FIELDS) {
    const text = draft[field.key];
    if (text === undefined || !field.appliesTo(sequence.kind, sequence.params)) continue;
    const message = validateParam(field, text, limits[field.key]);
    if (message) {
      errors[field.key] = message;
      continue;
    }
    const value = Number(text.trim());
    if (value !== sequence.params[field.key]) changes[field.key] = value;
  }
  const tr = changes.trMs ?? sequence.params.trMs;
  const te = changes.teMs ?? sequence.params.teMs;
  if (!errors.trMs && !errors.teMs && te >= tr) errors.teMs = 'TE must be shorter than TR';
  return { errors, changes: Object.keys(errors).length === 0 ? changes : {} };
}

export function hasChanges(check: DraftCheck): boolean {
  return Object.keys(check.errors).length === 0 && Object.keys(check.changes).length > 0;
}
