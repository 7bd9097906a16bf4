import { PARAM_LIMITS } from '../../gateway/simulator/parameter-limits.js';
import { offlineHealth } from '../../protocol/health.js';
import type { CommandView, LarmorApi, LinkView, LogEntry, WorkstationView } from '../../protocol/api.js';
import type { ScannerCommand } from '../../protocol/commands.js';
import type { ImageFetchRequest } from '../../protocol/exam-images.js';
import type { CollabAction } from '../../protocol/collaboration.js';
import type { QueuedSequence, ScannerSnapshot, SequenceParams } from '../../protocol/scanner.js';

export const T2_PARAMS: SequenceParams = {
  trMs: 4000,
  teMs: 98,
  tiMs: null,
  flipAngleDeg: 150,
  matrixRows: 256,
  matrixCols: 256,
  fovMm: 230,
  slices: 20,
  sliceThicknessMm: 5,
  averages: 2,
  echoTrainLength: 11,
  bValues: [],
};

export const FLAIR_PARAMS: SequenceParams = { ...T2_PARAMS, trMs: 9000, teMs: 100, tiMs: 2500, echoTrainLength: 15, averages: 1 };

/** The gateway's own editable ranges, as its snapshot carries them. */
export const LIMITS: ScannerSnapshot['limits'] = PARAM_LIMITS;

export function sequence(id: string, status: QueuedSequence['status'], extra: Partial<QueuedSequence> = {}): QueuedSequence {
  return {
    id,
    protocolId: 't2-tse-ax',
    name: `Sequence ${id}`,
    kind: 'TSE',
    params: T2_PARAMS,
    acquisitionTimeS: 192,
    status,
    progress: status === 'completed' ? 1 : 0,
    remainingS: status === 'completed' ? 0 : 192,
    endReason: null,
    seriesUid: null,
    seriesNumber: null,
    ...extra,
  };
}

export const ME = 'session-me';

export function snapshot(extra: Partial<ScannerSnapshot> = {}): ScannerSnapshot {
  return {
    site: { name: 'Test site', scanner: 'Simulator', fieldStrengthT: 1.5 },
    state: 'sequence-queued',
    exam: {
      patient: { name: 'DOE^JANE', id: 'P1', birthDate: null, sex: null, weightKg: null },
      description: 'Brain',
      accessionNumber: null,
      studyUid: '1.2.3',
      openedAt: '2026-01-01T10:00:00.000Z',
    },
    queue: [sequence('a', 'queued'), sequence('b', 'queued')],
    activeSequenceId: null,
    control: { holderSessionId: ME, holderName: 'Me' },
    participants: [],
    library: [{ id: 't2-tse-ax', name: 'T2 TSE axial', kind: 'TSE', params: T2_PARAMS, acquisitionTimeS: 192 }],
    limits: LIMITS,
    timeScale: 1,
    ...extra,
  };
}

export function link(extra: Partial<LinkView> = {}): LinkView {
  return { status: 'connected', url: 'ws://127.0.0.1:1/', role: 'operator', name: 'Me', sessionId: ME, error: null, policy: null, ...extra };
}

export function view(extra: Partial<WorkstationView> = {}): WorkstationView {
  return { link: link(), snapshot: snapshot(), commands: [], health: offlineHealth(), ...extra };
}

export function commandView(command: ScannerCommand, state: CommandView['state'], code: string | null = null, reason: string | null = null): CommandView {
  return {
    id: 'cmd-00000001',
    command,
    state,
    code,
    reason,
    sentAt: '2026-01-01T10:00:00.000Z',
    settledAt: state === 'pending' ? null : '2026-01-01T10:00:01.000Z',
  };
}

/** A controllable window.larmor: tests push views and log entries and settle commands by hand. */
export function fakeApi() {
  const stateListeners = new Set<(v: WorkstationView) => void>();
  const logListeners = new Set<(entries: readonly LogEntry[]) => void>();
  const sent: { command: ScannerCommand; resolve(view: CommandView): void; reject(error: unknown): void }[] = [];
  const connects: unknown[] = [];
  /** What the page asked images.fetch for, in order. */
  const fetches: ImageFetchRequest[] = [];
  const collabSent: CollabAction[] = [];
  let connectBehaviour: () => Promise<void> = async () => undefined;
  const api: LarmorApi = {
    link: {
      connect: (request) => {
        connects.push(request);
        return connectBehaviour();
      },
      disconnect: async () => undefined,
    },
    media: { send: async () => undefined, subscribe: () => () => undefined },
    commands: {
      send: (command) => new Promise<CommandView>((resolve, reject) => sent.push({ command, resolve, reject })),
    },
    state: {
      subscribe: (listener) => {
        stateListeners.add(listener);
        return () => stateListeners.delete(listener);
      },
    },
    log: {
      subscribe: (listener) => {
        logListeners.add(listener);
        return () => logListeners.delete(listener);
      },
    },
    images: {
      subscribe: () => () => undefined,
      fetch: async (request) => {
        fetches.push(request);
        return { queued: 0, unknown: [], code: null, reason: null };
      },
    },
    desk: { connect: async () => undefined, focus: async () => undefined, acknowledge: async () => undefined, subscribe: () => () => undefined },
    collab: {
      send: (action) => {
        collabSent.push(action);
        return Promise.resolve({ action: action.name, state: 'done', error: null });
      },
    },
  };
  return {
    api,
    sent,
    collabSent,
    connects,
    fetches,
    stateListeners,
    logListeners,
    pushView: (v: WorkstationView) => stateListeners.forEach((l) => l(v)),
    pushLog: (e: LogEntry) => logListeners.forEach((l) => l([e])),
    /** One batch, as the core pushes a flood of entries. */
    pushLogs: (entries: readonly LogEntry[]) => logListeners.forEach((l) => l(entries)),
    failConnectWith: (error: unknown) => {
      connectBehaviour = () => Promise.reject(error);
    },
  };
}

/** Let pending promise callbacks run. */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
