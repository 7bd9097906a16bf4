/**
 * A fake window.larmor for the visual check only (renderer/dev/screenshot.ts). It is injected
 * into the page by Playwright and never imported by renderer/src, so it cannot reach the bundle.
 * The function is serialized into the page: it must not close over anything outside itself.
 */
import type { CommandView, LarmorApi, LogEntry, WorkstationView } from '../../protocol/api.js';
import type { ScannerSnapshot } from '../../protocol/scanner.js';

export interface FakeScenario {
  role: 'operator' | 'observer';
  /** Start on the connect screen (no session yet). */
  disconnected: boolean;
  /** Session on screen but the link to the gateway lost. */
  lost?: boolean;
}

export function installFakeLarmor(scenario: FakeScenario): void {
  const now = Date.now();
  const iso = (offsetS: number) => new Date(now + offsetS * 1000).toISOString();
  const base = { tiMs: null, bValues: [] as number[], echoTrainLength: 1, averages: 1 };
  const library: ScannerSnapshot['library'] = [
    { id: 'localizer', name: 'Localizer 3-plane', kind: 'GRE', acquisitionTimeS: 25, params: { ...base, trMs: 8.6, teMs: 4, flipAngleDeg: 20, matrixRows: 128, matrixCols: 256, fovMm: 250, slices: 9, sliceThicknessMm: 7 } },
    { id: 't1-se-ax', name: 'T1 SE axial', kind: 'SE', acquisitionTimeS: 211, params: { ...base, trMs: 550, teMs: 14, flipAngleDeg: 90, matrixRows: 192, matrixCols: 256, fovMm: 230, slices: 20, sliceThicknessMm: 5, averages: 2 } },
    { id: 't2-tse-ax', name: 'T2 TSE axial', kind: 'TSE', acquisitionTimeS: 192, params: { ...base, trMs: 4000, teMs: 98, flipAngleDeg: 150, matrixRows: 256, matrixCols: 256, fovMm: 230, slices: 20, sliceThicknessMm: 5, averages: 2, echoTrainLength: 11 } },
    { id: 'flair-ax', name: 'FLAIR axial', kind: 'IR-TSE', acquisitionTimeS: 245, params: { ...base, trMs: 9000, teMs: 100, tiMs: 2500, flipAngleDeg: 150, matrixRows: 192, matrixCols: 256, fovMm: 230, slices: 20, sliceThicknessMm: 5, echoTrainLength: 15 } },
    { id: 'dwi-ax', name: 'DWI EPI axial b0/b1000', kind: 'EPI-DWI', acquisitionTimeS: 54, params: { ...base, trMs: 4500, teMs: 89, flipAngleDeg: 90, matrixRows: 128, matrixCols: 128, fovMm: 230, slices: 20, sliceThicknessMm: 5, averages: 2, bValues: [0, 1000] } },
  ];
  const fromTemplate = (index: number, id: string, status: ScannerSnapshot['queue'][number]['status'], progress: number) => {
    const t = library[index];
    return {
      id, protocolId: t.id, name: t.name, kind: t.kind, params: { ...t.params }, acquisitionTimeS: t.acquisitionTimeS,
      status, progress, remainingS: t.acquisitionTimeS * (1 - progress), endReason: null,
      seriesUid: status === 'queued' ? null : `1.2.826.0.1.3680043.10.543.${id}`, seriesNumber: status === 'queued' ? null : index + 1,
    };
  };
  const me = scenario.role === 'operator' ? 'sess-op-7f3a' : 'sess-obs-19c2';
  const snapshot: ScannerSnapshot = {
    site: { name: 'St. Olav MR-2', scanner: 'Larmor simulator', fieldStrengthT: 1.5 },
    state: 'acquiring',
    exam: {
      patient: { name: 'NORDMANN^KARI', id: 'PID-0042817', birthDate: '19790412', sex: 'F', weightKg: 68 },
      description: 'MRI brain without contrast', accessionNumber: 'ACC26-11873', studyUid: '1.2.826.0.1.3680043.10.543.1', openedAt: iso(-420),
    },
    queue: [fromTemplate(0, 'seq-1', 'completed', 1), fromTemplate(2, 'seq-2', 'acquiring', 0.4), fromTemplate(3, 'seq-3', 'queued', 0), fromTemplate(4, 'seq-4', 'queued', 0)],
    activeSequenceId: 'seq-2',
    control: { holderSessionId: 'sess-op-7f3a', holderName: 'Ingrid Haugen' },
    participants: [
      { sessionId: 'sess-onsite-01', name: 'Per Lunde (MR safety, Level 2)', role: 'onsite', connectedAt: iso(-1800) },
      { sessionId: 'sess-op-7f3a', name: 'Ingrid Haugen', role: 'operator', connectedAt: iso(-600) },
      { sessionId: 'sess-obs-19c2', name: 'Trainee: Jonas Berg', role: 'observer', connectedAt: iso(-300) },
    ],
    library,
    limits: {
      trMs: { min: 2, max: 15000, step: 0.1 }, teMs: { min: 1, max: 300, step: 0.1 }, tiMs: { min: 20, max: 4000, step: 1 },
      flipAngleDeg: { min: 1, max: 180, step: 1 }, matrixRows: { min: 64, max: 512, step: 16 }, matrixCols: { min: 64, max: 512, step: 16 },
      fovMm: { min: 100, max: 500, step: 1 }, slices: { min: 1, max: 128, step: 1 }, sliceThicknessMm: { min: 0.5, max: 10, step: 0.1 },
      averages: { min: 1, max: 8, step: 1 }, echoTrainLength: { min: 1, max: 64, step: 1 },
    },
    timeScale: 1,
  };
  const commands: CommandView[] = [
    { id: 'cmd-000001', command: { name: 'scan.start' }, state: 'done', code: null, reason: null, sentAt: iso(-78), settledAt: iso(-78) },
  ];
  let view: WorkstationView = {
    link: scenario.disconnected
      ? { status: 'disconnected', url: null, role: null, name: null, sessionId: null, error: null, policy: null }
      : {
          status: 'connected', url: 'wss://mr2-gateway.stolav.example:8443/larmor', role: scenario.role,
          name: scenario.role === 'operator' ? 'Ingrid Haugen' : 'Trainee: Jonas Berg', sessionId: me, error: null,
          policy: { onOperatorLoss: 'finish the running sequence, start nothing new', fallbackInstructions: 'Call MR-2 control room +47 7286 0000', controlGraceS: 60 },
        },
    snapshot: scenario.disconnected ? null : snapshot,
    commands,
  };
  if (scenario.lost) {
    view = {
      ...view,
      link: { ...view.link, status: 'lost', error: { code: 'LARMOR_E_LINK_DOWN', message: 'no heartbeat from the gateway for 6 s; reconnecting' } },
    };
  }
  const publish = () => stateListeners.forEach((l) => l(view));
  const setActiveStatus = (state: 'acquiring' | 'paused') => {
    snapshot.state = state;
    snapshot.queue = snapshot.queue.map((q) => (q.id === snapshot.activeSequenceId ? { ...q, status: state } : q));
    view = { ...view, snapshot: { ...snapshot } };
  };
  const log: LogEntry[] = [
    { at: iso(-600), kind: 'link', level: 'info', text: 'Connected to wss://mr2-gateway.stolav.example:8443/larmor as operator' },
    { at: iso(-590), kind: 'notice', level: 'info', text: 'Per Lunde checked in at the scanner console' },
    { at: iso(-560), kind: 'notice', level: 'info', text: 'Control granted to Ingrid Haugen by Per Lunde' },
    { at: iso(-420), kind: 'command', level: 'info', text: 'exam.open NORDMANN^KARI (PID-0042817)' },
    { at: iso(-420), kind: 'ack', level: 'info', text: 'exam.open done' },
    { at: iso(-400), kind: 'command', level: 'info', text: 'sequence.queue localizer, t2-tse-ax, flair-ax, dwi-ax' },
    { at: iso(-380), kind: 'scanner', level: 'info', text: 'Localizer 3-plane acquiring (series 1)' },
    { at: iso(-355), kind: 'scanner', level: 'info', text: 'Localizer 3-plane completed, 9 images' },
    { at: iso(-200), kind: 'health', level: 'warning', text: 'Link degraded: RTT 240 ms for 6 s' },
    { at: iso(-190), kind: 'health', level: 'info', text: 'Link healthy again: RTT 19 ms' },
    { at: iso(-120), kind: 'command', level: 'info', text: 'sequence.edit t2-tse-ax: slices 20' },
    { at: iso(-119), kind: 'ack', level: 'info', text: 'sequence.edit done' },
    { at: iso(-78), kind: 'command', level: 'info', text: 'scan.start' },
    { at: iso(-78), kind: 'ack', level: 'info', text: 'scan.start done' },
    { at: iso(-77), kind: 'scanner', level: 'info', text: 'T2 TSE axial acquiring (series 2)' },
  ];
  const stateListeners = new Set<(v: WorkstationView) => void>();
  let counter = 1;
  const api: LarmorApi = {
    link: {
      async connect(request) {
        view = { ...view, link: { ...view.link, status: 'connected', url: request.url, role: request.role, name: request.name, sessionId: me }, snapshot };
        stateListeners.forEach((l) => l(view));
      },
      async disconnect() {
        view = { ...view, link: { ...view.link, status: 'disconnected' } };
        stateListeners.forEach((l) => l(view));
      },
    },
    commands: {
      async send(command) {
        // Answer after a moment so the pending state is visible, as over a real link.
        await new Promise((resolve) => setTimeout(resolve, 150));
        if (command.name === 'sequence.remove') {
          return {
            id: `cmd-${String(++counter).padStart(6, '0')}`, command, state: 'rejected', code: 'LARMOR_E_INVALID_STATE',
            reason: 'the gateway is preparing this sequence as the next one', sentAt: new Date().toISOString(), settledAt: new Date().toISOString(),
          };
        }
        if (command.name === 'scan.pause') setActiveStatus('paused');
        if (command.name === 'scan.resume') setActiveStatus('acquiring');
        publish();
        const refused = scenario.role === 'observer';
        return {
          id: `cmd-${String(++counter).padStart(6, '0')}`, command, state: refused ? 'rejected' : 'done',
          code: refused ? 'LARMOR_E_ROLE_FORBIDDEN' : null, reason: refused ? 'observers cannot command the scanner' : null,
          sentAt: new Date().toISOString(), settledAt: new Date().toISOString(),
        };
      },
    },
    state: {
      subscribe(listener) {
        stateListeners.add(listener);
        listener(view);
        return () => stateListeners.delete(listener);
      },
    },
    log: {
      subscribe(listener) {
        log.forEach(listener);
        return () => undefined;
      },
    },
    images: { subscribe: () => () => undefined },
  };
  (window as unknown as { larmor: LarmorApi }).larmor = api;
}
