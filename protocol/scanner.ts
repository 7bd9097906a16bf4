import { z } from 'zod';
import { OnsiteStatus } from './onsite.js';

/**
 * Pulse-sequence families the simulator knows. The family decides the signal equation
 * (spin echo, gradient echo, inversion recovery) and how acquisition time is computed.
 */
export const SequenceKind = z.enum(['GRE', 'SE', 'TSE', 'IR-TSE', 'EPI-DWI']);
export type SequenceKind = z.infer<typeof SequenceKind>;

/** Acquisition parameters as a technologist edits them on the console. Units in the names. */
export const SequenceParams = z.object({
  trMs: z.number(),
  teMs: z.number(),
  /** Inversion time; only inversion-recovery sequences use it. */
  tiMs: z.number().nullable(),
  flipAngleDeg: z.number(),
  /** Phase-encoding lines (rows) x frequency-encoding samples (columns). */
  matrixRows: z.number().int(),
  matrixCols: z.number().int(),
  fovMm: z.number(),
  slices: z.number().int(),
  sliceThicknessMm: z.number(),
  averages: z.number().int(),
  /** Echo train length (turbo factor); 1 for conventional sequences. */
  echoTrainLength: z.number().int(),
  /** Diffusion weightings in s/mm^2; empty unless EPI-DWI. */
  bValues: z.array(z.number()),
});
export type SequenceParams = z.infer<typeof SequenceParams>;

export const SequenceStatus = z.enum(['queued', 'acquiring', 'paused', 'completed', 'aborted']);
export type SequenceStatus = z.infer<typeof SequenceStatus>;

/**
 * Sequences one exam may hold, done ones included. Every scanner event carries the whole queue
 * to every client; a real exam has a few dozen, and without a bound a client could make each
 * event as large as it liked.
 */
export const MAX_EXAM_SEQUENCES = 100;

export const QueuedSequence = z.object({
  id: z.string(),
  protocolId: z.string(),
  name: z.string(),
  kind: SequenceKind,
  params: SequenceParams,
  /** Seconds, recomputed by the gateway from the parameters on every edit. */
  acquisitionTimeS: z.number(),
  status: SequenceStatus,
  /** 0..1 */
  progress: z.number(),
  remainingS: z.number(),
  /** Why it ended early, when aborted. */
  endReason: z.string().nullable(),
  /** DICOM Series Instance UID of the images it produced (set when acquisition starts). */
  seriesUid: z.string().nullable(),
  seriesNumber: z.number().int().nullable(),
});
export type QueuedSequence = z.infer<typeof QueuedSequence>;

export const Patient = z.object({
  name: z.string().min(1).max(64),
  id: z.string().min(1).max(64),
  birthDate: z
    .string()
    .regex(/^\d{8}$/)
    .nullable(),
  sex: z.enum(['M', 'F', 'O']).nullable(),
  weightKg: z.number().min(0.5).max(400).nullable(),
});
export type Patient = z.infer<typeof Patient>;

export const Exam = z.object({
  patient: Patient,
  description: z.string(),
  accessionNumber: z.string().nullable(),
  studyUid: z.string(),
  openedAt: z.string(),
  /** Set when the patient's identifiers were removed for this viewer (observer PHI policy "none"). */
  deidentified: z.boolean().optional(),
});
export type Exam = z.infer<typeof Exam>;

/**
 * Scanner state as the console shows it. Derived by the gateway from the exam and the queue:
 * idle (no exam), exam-open (patient registered, nothing to run), sequence-queued (something
 * ready to start), acquiring, paused, completed / aborted (the last run ended that way and
 * nothing else is queued).
 */
export const ScannerState = z.enum(['idle', 'exam-open', 'sequence-queued', 'acquiring', 'paused', 'completed', 'aborted']);
export type ScannerState = z.infer<typeof ScannerState>;

/**
 * Whether an acquisition is under way: running, or paused and waiting to resume. Either way only
 * Stop or the sequence's end finishes it: another cannot start, and the exam cannot close.
 * Scanner states and sequence statuses share the two words, so this answers for either.
 */
export function acquisitionUnderway(state: ScannerState | SequenceStatus | null | undefined): boolean {
  return state === 'acquiring' || state === 'paused';
}

export const ProtocolTemplate = z.object({
  id: z.string(),
  name: z.string(),
  kind: SequenceKind,
  params: SequenceParams,
  acquisitionTimeS: z.number(),
});
export type ProtocolTemplate = z.infer<typeof ProtocolTemplate>;

export const ParamRange = z.object({ min: z.number(), max: z.number(), step: z.number() });
export type ParamRange = z.infer<typeof ParamRange>;

const ControlState = z.object({
  /** Session id of the operator allowed to command the scanner, or null. */
  holderSessionId: z.string().nullable(),
  holderName: z.string().nullable(),
});
type ControlState = z.infer<typeof ControlState>;

export const Participant = z.object({
  sessionId: z.string(),
  name: z.string(),
  role: z.enum(['operator', 'observer', 'onsite']),
  connectedAt: z.string(),
});
export type Participant = z.infer<typeof Participant>;

export const ScannerSnapshot = z.object({
  site: z.object({ name: z.string(), scanner: z.string(), fieldStrengthT: z.number() }),
  state: ScannerState,
  exam: Exam.nullable(),
  queue: z.array(QueuedSequence),
  /** Id of the sequence that is acquiring or paused, if any. */
  activeSequenceId: z.string().nullable(),
  control: ControlState,
  participants: z.array(Participant),
  /** Protocol library offered by this scanner. */
  library: z.array(ProtocolTemplate),
  /** Editable parameter limits, by SequenceParams key. */
  limits: z.record(z.string(), ParamRange),
  /** Acquisition speed-up used by this gateway (1 = real time); shown so nobody is misled. */
  timeScale: z.number(),
  /** Onsite presence, checklist, emergency and operator-loss state; optional for older gateways. */
  onsite: OnsiteStatus.optional(),
  /** Set when the patient's identifiers are removed from everything this viewer gets (observer PHI policy "none"). */
  deidentified: z.boolean().optional(),
});
export type ScannerSnapshot = z.infer<typeof ScannerSnapshot>;
