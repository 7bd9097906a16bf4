import { EventEmitter } from 'node:events';
import {
  ErrorCode,
  LarmorError,
  MAX_EXAM_SEQUENCES,
  type Exam,
  type Patient,
  type QueuedSequence,
  type ScannerState,
  type SequenceParams,
} from '../../protocol/index.js';
import { acquisitionTimeS, imagesInSeries } from './acquisition-time.js';
import { applyParamChanges } from './parameter-limits.js';
import { findTemplate } from './protocol-library.js';

export interface SliceDone {
  sequence: QueuedSequence;
  exam: Exam;
  /** 0-based image index within the series. */
  index: number;
  imagesInSeries: number;
}

export interface SimulatorEvents {
  change: [];
  'slice-done': [SliceDone];
}

export interface SimulatorOptions {
  /** Acquisition speed-up: 10 means a 5-minute sequence takes 30 s. */
  timeScale: number;
  /** Makes DICOM UIDs (study, series). */
  newUid: () => string;
  /** Makes queue item ids. */
  newId?: () => string;
  /** Wall clock, for exam timestamps. */
  now?: () => Date;
}

/** The scanner's own state: exam, queue and the acquisition engine. No I/O. */
export interface ScannerCore {
  state: ScannerState;
  exam: Exam | null;
  queue: QueuedSequence[];
  activeSequenceId: string | null;
}

function refuse(code: ErrorCode, message: string): never {
  throw new LarmorError(code, message);
}

/**
 * An MR console's scanning engine. Commands either apply completely or throw a LarmorError
 * with a stable code, leaving state untouched. Time advances through `advance(ms)` so tests
 * can drive it deterministically; `startClock()` drives it from the wall clock.
 */
export class ScannerSimulator extends EventEmitter<SimulatorEvents> {
  private exam: Exam | null = null;
  private queue: QueuedSequence[] = [];
  private activeId: string | null = null;
  /** How the most recently ended sequence ended, for the completed/aborted states. */
  private lastEnd: 'completed' | 'aborted' | null = null;
  private nextSeriesNumber = 1;
  private emittedImages = 0;
  private clock: NodeJS.Timeout | null = null;
  private idCounter = 0;
  readonly timeScale: number;

  constructor(private readonly options: SimulatorOptions) {
    super();
    if (!(options.timeScale > 0)) throw new RangeError('timeScale must be positive');
    this.timeScale = options.timeScale;
  }

  core(): ScannerCore {
    return {
      state: this.state(),
      exam: this.exam,
      queue: this.queue.map((s) => ({ ...s, params: { ...s.params, bValues: [...s.params.bValues] } })),
      activeSequenceId: this.activeId,
    };
  }

  state(): ScannerState {
    if (!this.exam) return 'idle';
    const active = this.active();
    if (active) return active.status === 'paused' ? 'paused' : 'acquiring';
    if (this.queue.some((s) => s.status === 'queued')) return 'sequence-queued';
    return this.lastEnd ?? 'exam-open';
  }

  openExam(patient: Patient, description: string, accessionNumber: string | null): void {
    if (this.exam) refuse(ErrorCode.INVALID_STATE, `an exam for ${this.exam.patient.id} is already open`);
    const now = (this.options.now ?? (() => new Date()))();
    this.exam = { patient, description, accessionNumber, studyUid: this.options.newUid(), openedAt: now.toISOString() };
    this.queue = [];
    this.lastEnd = null;
    this.nextSeriesNumber = 1;
    this.changed();
  }

  closeExam(): void {
    this.requireExam();
    if (this.activeId) refuse(ErrorCode.INVALID_STATE, 'stop the running acquisition before closing the exam');
    this.exam = null;
    this.queue = [];
    this.lastEnd = null;
    this.changed();
  }

  queueSequence(protocolId: string, position?: number): QueuedSequence {
    this.requireExam();
    const template = findTemplate(protocolId);
    if (!template) refuse(ErrorCode.UNKNOWN_PROTOCOL, `no protocol ${JSON.stringify(protocolId)} in the library`);
    if (position !== undefined && position > this.queue.length) {
      refuse(ErrorCode.INVALID_PARAMETER, `position ${position} is past the end of the queue (${this.queue.length})`);
    }
    if (this.queue.length >= MAX_EXAM_SEQUENCES) {
      refuse(ErrorCode.QUEUE_FULL, `an exam holds at most ${MAX_EXAM_SEQUENCES} sequences, done ones included: close it and open another`);
    }
    const item: QueuedSequence = {
      id: this.options.newId?.() ?? `seq-${++this.idCounter}`,
      protocolId,
      name: template.name,
      kind: template.kind,
      params: { ...template.params, bValues: [...template.params.bValues] },
      acquisitionTimeS: template.acquisitionTimeS,
      status: 'queued',
      progress: 0,
      remainingS: template.acquisitionTimeS,
      endReason: null,
      seriesUid: null,
      seriesNumber: null,
    };
    this.queue.splice(position ?? this.queue.length, 0, item);
    this.changed();
    return { ...item };
  }

  removeSequence(sequenceId: string): void {
    const item = this.requireQueued(sequenceId, 'remove');
    this.queue = this.queue.filter((s) => s !== item);
    this.changed();
  }

  reorderSequence(sequenceId: string, toIndex: number): void {
    const item = this.requireQueued(sequenceId, 'move');
    if (toIndex >= this.queue.length) refuse(ErrorCode.INVALID_PARAMETER, `index ${toIndex} is past the end of the queue`);
    const rest = this.queue.filter((s) => s !== item);
    rest.splice(toIndex, 0, item);
    this.queue = rest;
    this.changed();
  }

  editSequence(sequenceId: string, changes: Partial<SequenceParams>): QueuedSequence {
    const item = this.requireQueued(sequenceId, 'edit');
    const params = applyParamChanges(item.kind, item.params, changes);
    item.params = params;
    item.acquisitionTimeS = acquisitionTimeS(item.kind, params);
    item.remainingS = item.acquisitionTimeS;
    this.changed();
    return { ...item };
  }

  start(sequenceId?: string): QueuedSequence {
    this.requireExam();
    if (this.activeId) refuse(ErrorCode.INVALID_STATE, 'an acquisition is already running');
    const item = sequenceId ? this.requireQueued(sequenceId, 'start') : this.queue.find((s) => s.status === 'queued');
    if (!item) refuse(ErrorCode.INVALID_STATE, 'nothing is queued');
    item.status = 'acquiring';
    item.seriesUid = this.options.newUid();
    item.seriesNumber = this.nextSeriesNumber++;
    this.activeId = item.id;
    this.emittedImages = 0;
    this.changed();
    return { ...item };
  }

  pause(): void {
    const item = this.active();
    if (!item || item.status !== 'acquiring') refuse(ErrorCode.INVALID_STATE, 'no acquisition is running');
    item.status = 'paused';
    this.changed();
  }

  resume(): void {
    const item = this.active();
    if (!item || item.status !== 'paused') refuse(ErrorCode.INVALID_STATE, 'no acquisition is paused');
    item.status = 'acquiring';
    this.changed();
  }

  /** Abort the running or paused acquisition; the images already produced stay. */
  stop(reason: string): QueuedSequence {
    const item = this.active();
    if (!item) refuse(ErrorCode.INVALID_STATE, 'no acquisition to stop');
    this.finish(item, 'aborted', reason);
    return { ...item };
  }

  /** Advance the acquisition by `simulatedMs` of scanner time. */
  advance(simulatedMs: number): void {
    const item = this.active();
    if (!item || item.status !== 'acquiring' || simulatedMs <= 0) return;
    const totalMs = item.acquisitionTimeS * 1000;
    const doneMs = Math.min(totalMs, item.progress * totalMs + simulatedMs);
    item.progress = totalMs === 0 ? 1 : doneMs / totalMs;
    item.remainingS = Math.max(0, Math.round((totalMs - doneMs) / 100) / 10);
    this.emitDueSlices(item);
    if (doneMs >= totalMs) this.finish(item, 'completed', null);
    else this.changed();
  }

  /** Drive `advance` from the wall clock (scaled by timeScale) every `tickMs`. */
  startClock(tickMs = 100): void {
    if (this.clock) return;
    let last = performance.now();
    this.clock = setInterval(() => {
      const now = performance.now();
      this.advance((now - last) * this.timeScale);
      last = now;
    }, tickMs);
    this.clock.unref();
  }

  stopClock(): void {
    if (this.clock) clearInterval(this.clock);
    this.clock = null;
  }

  private emitDueSlices(item: QueuedSequence): void {
    const total = imagesInSeries(item.kind, item.params);
    const due = item.progress >= 1 ? total : Math.floor(item.progress * total);
    while (this.emittedImages < due) {
      this.emit('slice-done', { sequence: { ...item }, exam: this.exam!, index: this.emittedImages, imagesInSeries: total });
      this.emittedImages++;
    }
  }

  private finish(item: QueuedSequence, status: 'completed' | 'aborted', reason: string | null): void {
    item.status = status;
    item.endReason = reason;
    if (status === 'completed') {
      item.progress = 1;
      item.remainingS = 0;
    }
    this.activeId = null;
    this.lastEnd = status;
    this.changed();
  }

  private active(): QueuedSequence | undefined {
    return this.activeId ? this.queue.find((s) => s.id === this.activeId) : undefined;
  }

  private requireExam(): Exam {
    if (!this.exam) refuse(ErrorCode.NO_EXAM, 'no exam is open: register the patient first');
    return this.exam;
  }

  private requireQueued(sequenceId: string, verb: string): QueuedSequence {
    this.requireExam();
    const item = this.queue.find((s) => s.id === sequenceId);
    if (!item) refuse(ErrorCode.UNKNOWN_SEQUENCE, `no sequence ${JSON.stringify(sequenceId)} in the queue`);
    if (item.status !== 'queued') refuse(ErrorCode.INVALID_STATE, `cannot ${verb} a sequence that is ${item.status}`);
    return item;
  }

  private changed(): void {
    this.emit('change');
  }
}
