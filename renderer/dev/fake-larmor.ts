/**
 * A fake window.larmor for the visual check only (renderer/dev/screenshot.ts). It is injected
 * into the page by Playwright and never imported by renderer/src, so it cannot reach the bundle.
 * The function is serialized into the page: it must not close over anything outside itself.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { offlineHealth } from '../../protocol/health.js';
import type { CommandView, LarmorApi, LogEntry, PreviewImage, WorkstationView } from '../../protocol/api.js';
import type { ScannerSnapshot } from '../../protocol/scanner.js';
import type { DeskTile, DeskView } from '../../protocol/desk.js';

export interface FakeScenario {
  role: 'operator' | 'observer';
  /** Start on the connect screen (no session yet). */
  disconnected: boolean;
  /** Session on screen but the link to the gateway lost. */
  lost?: boolean;
  /**
   * A desk of three scanners: A acquiring (focused, the console above), B idle with its link
   * lost, C stopped by an emergency stop not yet acknowledged.
   */
  desk?: boolean;
  /** More scanners than fit the window (idle copies after the three), to see the strip scroll. */
  deskScanners?: number;
}

export function installFakeLarmor(scenario: FakeScenario): void {
  const now = Date.now();
  const iso = (offsetS: number) => new Date(now + offsetS * 1000).toISOString();
  const base = { tiMs: null, bValues: [] as number[], echoTrainLength: 1, averages: 1 };
  const library: ScannerSnapshot['library'] = [
    {
      id: 'localizer',
      name: 'Localizer 3-plane',
      kind: 'GRE',
      acquisitionTimeS: 25,
      params: { ...base, trMs: 8.6, teMs: 4, flipAngleDeg: 20, matrixRows: 128, matrixCols: 256, fovMm: 250, slices: 9, sliceThicknessMm: 7 },
    },
    {
      id: 't1-se-ax',
      name: 'T1 SE axial',
      kind: 'SE',
      acquisitionTimeS: 211,
      params: { ...base, trMs: 550, teMs: 14, flipAngleDeg: 90, matrixRows: 192, matrixCols: 256, fovMm: 230, slices: 20, sliceThicknessMm: 5, averages: 2 },
    },
    {
      id: 't2-tse-ax',
      name: 'T2 TSE axial',
      kind: 'TSE',
      acquisitionTimeS: 192,
      params: {
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
      },
    },
    {
      id: 'flair-ax',
      name: 'FLAIR axial',
      kind: 'IR-TSE',
      acquisitionTimeS: 245,
      params: {
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
        echoTrainLength: 15,
      },
    },
    {
      id: 'dwi-ax',
      name: 'DWI EPI axial b0/b1000',
      kind: 'EPI-DWI',
      acquisitionTimeS: 54,
      params: {
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
      },
    },
  ];
  const fromTemplate = (index: number, id: string, status: ScannerSnapshot['queue'][number]['status'], progress: number) => {
    const t = library[index];
    return {
      id,
      protocolId: t.id,
      name: t.name,
      kind: t.kind,
      params: { ...t.params },
      acquisitionTimeS: t.acquisitionTimeS,
      status,
      progress,
      remainingS: t.acquisitionTimeS * (1 - progress),
      endReason: null,
      seriesUid: status === 'queued' ? null : `1.2.826.0.1.3680043.10.543.${id}`,
      seriesNumber: status === 'queued' ? null : index + 1,
    };
  };
  const me = scenario.role === 'operator' ? 'sess-op-7f3a' : 'sess-obs-19c2';
  const snapshot: ScannerSnapshot = {
    site: { name: 'St. Olav MR-2', scanner: 'Larmor simulator', fieldStrengthT: 1.5 },
    state: 'acquiring',
    exam: {
      patient: { name: 'NORDMANN^KARI', id: 'PID-0042817', birthDate: '19790412', sex: 'F', weightKg: 68 },
      description: 'MRI brain without contrast',
      accessionNumber: 'ACC26-11873',
      studyUid: '1.2.826.0.1.3680043.10.543.1',
      openedAt: iso(-420),
    },
    queue: [
      fromTemplate(0, 'seq-1', 'completed', 1),
      fromTemplate(2, 'seq-2', 'acquiring', 0.4),
      fromTemplate(3, 'seq-3', 'queued', 0),
      fromTemplate(4, 'seq-4', 'queued', 0),
    ],
    activeSequenceId: 'seq-2',
    control: { holderSessionId: 'sess-op-7f3a', holderName: 'Ingrid Haugen' },
    participants: [
      { sessionId: 'sess-onsite-01', name: 'Per Lunde (MR safety, Level 2)', role: 'onsite', connectedAt: iso(-1800) },
      { sessionId: 'sess-op-7f3a', name: 'Ingrid Haugen', role: 'operator', connectedAt: iso(-600) },
      { sessionId: 'sess-obs-19c2', name: 'Trainee: Jonas Berg', role: 'observer', connectedAt: iso(-300) },
      { sessionId: 'sess-op-2b81', name: 'Lars Moe', role: 'operator', connectedAt: iso(-200) },
    ],
    library,
    limits: {
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
          status: 'connected',
          url: 'wss://mr2-gateway.stolav.example:8443/larmor',
          role: scenario.role,
          name: scenario.role === 'operator' ? 'Ingrid Haugen' : 'Trainee: Jonas Berg',
          sessionId: me,
          error: null,
          policy: {
            onOperatorLoss: 'finish the running sequence, start nothing new',
            fallbackInstructions: 'Call MR-2 control room +47 7286 0000',
            controlGraceS: 60,
          },
        },
    snapshot: scenario.disconnected ? null : snapshot,
    commands,
    health: offlineHealth(),
    // A second remote technologist proposes; onsite staff talk and point at the running series.
    collab: scenario.disconnected
      ? null
      : {
          chat: [
            {
              id: 'c1',
              at: iso(-400),
              studyUid: snapshot.exam?.studyUid ?? null,
              from: { name: 'Per Lunde (MR safety, Level 2)', role: 'onsite' },
              text: 'Patient positioned, head coil on, ear plugs in.',
            },
            {
              id: 'c2',
              at: iso(-380),
              studyUid: snapshot.exam?.studyUid ?? null,
              from: { name: 'Ingrid Haugen', role: 'operator' },
              text: 'Thanks. Localizer first, then T2 axial.',
            },
            {
              id: 'c3',
              at: iso(-90),
              studyUid: snapshot.exam?.studyUid ?? null,
              from: { name: 'Per Lunde (MR safety, Level 2)', role: 'onsite' },
              text: 'She says she is cold; blanket added, no movement.',
            },
          ],
          marks: [
            {
              id: 'm1',
              at: iso(-60),
              sopInstanceUid: '1.2.826.0.1.3680043.10.543.seq-2.8',
              shape: 'circle',
              points: [
                [330, 200],
                [360, 200],
              ],
              by: { name: 'Per Lunde (MR safety, Level 2)', role: 'onsite' },
            },
            {
              id: 'm2',
              at: iso(-50),
              sopInstanceUid: '1.2.826.0.1.3680043.10.543.seq-2.8',
              shape: 'arrow',
              points: [
                [140, 120],
                [200, 170],
              ],
              by: { name: 'Ingrid Haugen', role: 'operator' },
            },
          ],
          proposals: [
            {
              id: 'p1',
              at: iso(-30),
              by: { sessionId: 'sess-op-2b81', name: 'Lars Moe', role: 'operator' },
              command: { name: 'sequence.queue', protocolId: 't1-se-ax' },
              status: 'pending',
              answer: null,
            },
          ],
          handover: null,
          plans: [],
        },
  };
  if (scenario.lost) {
    view = {
      ...view,
      link: { ...view.link, status: 'lost', error: { code: ErrorCode.LINK_DOWN, message: 'no heartbeat from the gateway for 6 s; reconnecting' } },
      // The banner is a function of link health (renderer/src/logic/failover-banner.ts): an outage being reconnected.
      health: {
        ...view.health,
        state: 'reconnecting',
        since: iso(-2),
        outageSince: iso(-6),
        cause: { code: ErrorCode.LINK_DOWN, message: 'no frame for 1020 ms' },
      },
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
  if (scenario.role === 'observer') {
    // One screenshot shows how a refused image looks (the core logs refusals as kind 'image').
    const message = 'SOP 1.2.826.0.1.3680043.10.543.99.7 has no Pixel Data (7FE0,0010)';
    log.push({
      at: iso(-40),
      kind: 'image',
      level: 'warning',
      text: `image refused: ${ErrorCode.DICOM_NOT_AN_IMAGE} ${message}`,
      error: { code: ErrorCode.DICOM_NOT_AN_IMAGE, message },
    });
  }

  // Live images: an analytic head phantom (ellipses, T2-like contrast: CSF bright, white matter
  // darker than grey), 16-bit unsigned, MONOCHROME2, drawn here so the screenshot shows a real viewer.
  type Ellipse = [x0: number, y0: number, a: number, b: number, thetaDeg: number, value: number, zExtent: number];
  const head: Ellipse[] = [
    [0, 0, 0.74, 0.94, 0, 760, 1.2], // scalp and subcutaneous fat
    [0, 0, 0.69, 0.89, 0, 40, 1.15], // skull (dark on MR)
    [0, 0, 0.66, 0.86, 0, 1250, 1.1], // CSF over the convexity
    [0, 0, 0.63, 0.83, 0, 560, 1.05], // grey matter
    [0, 0.02, 0.5, 0.7, 0, 410, 0.9], // white matter
    [-0.12, -0.08, 0.07, 0.3, 18, 1400, 0.45], // lateral ventricles
    [0.12, -0.08, 0.07, 0.3, -18, 1400, 0.45],
    [0, 0.3, 0.05, 0.05, 0, 1300, 0.3], // third ventricle
    [-0.25, 0.25, 0.08, 0.06, 30, 620, 0.6], // basal ganglia
    [0.25, 0.25, 0.08, 0.06, -30, 620, 0.6],
    [0.3, -0.35, 0.045, 0.035, 0, 980, 0.35], // a bright focal lesion
  ];
  const phantom = (size: number, z: number, seed: number): Uint16Array => {
    const out = new Uint16Array(size * size);
    let state = seed >>> 0;
    const noise = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    };
    for (let row = 0; row < size; row++) {
      const y = (2 * (row + 0.5)) / size - 1;
      for (let col = 0; col < size; col++) {
        const x = (2 * (col + 0.5)) / size - 1;
        let value = 0;
        for (const [x0, y0, a, b, thetaDeg, v, zExtent] of head) {
          const shrink = 1 - (z / zExtent) ** 2;
          if (shrink <= 0) continue;
          const k = Math.sqrt(shrink);
          const t = (thetaDeg * Math.PI) / 180;
          const dx = x - x0;
          const dy = y - y0;
          const u = (dx * Math.cos(t) + dy * Math.sin(t)) / (a * k);
          const w = (-dx * Math.sin(t) + dy * Math.cos(t)) / (b * k);
          if (u * u + w * w <= 1) value = v;
        }
        // Coil sensitivity falls off towards the centre a little; noise is everywhere, as on a scanner.
        const shading = 1 - 0.15 * (1 - Math.min(1, x * x + y * y));
        out[row * size + col] = Math.max(0, Math.round(value * shading + 18 * noise()));
      }
    }
    return out;
  };
  const images: PreviewImage[] = [];
  const addSeries = (seq: ScannerSnapshot['queue'][number], size: number, count: number, expected: number, windowCenter: number, windowWidth: number) => {
    const params = seq.params;
    for (let i = 0; i < count; i++) {
      const z = ((i + 0.5) / expected) * 2 - 1;
      images.push({
        seriesUid: seq.seriesUid ?? 'none',
        seriesNumber: seq.seriesNumber,
        seriesDescription: seq.name,
        sopInstanceUid: `${seq.seriesUid}.${i + 1}`,
        instanceNumber: i + 1,
        imagesInSeries: expected,
        rows: size,
        columns: size,
        bitsAllocated: 16,
        pixelRepresentation: 0,
        photometricInterpretation: 'MONOCHROME2',
        rescaleSlope: 1,
        rescaleIntercept: 0,
        windowCenter,
        windowWidth,
        pixelSpacingMm: [params.fovMm / size, params.fovMm / size],
        sliceLocationMm: (i - (expected - 1) / 2) * params.sliceThicknessMm,
        sliceThicknessMm: params.sliceThicknessMm,
        patientName: snapshot.exam?.patient.name ?? '',
        patientId: snapshot.exam?.patient.id ?? '',
        studyDescription: snapshot.exam?.description ?? '',
        gatewayAt: iso(-60 + i * 9),
        pixels: phantom(size, z * 0.95, 7 + i).buffer as ArrayBuffer,
      });
    }
  };
  const [localizerSeq, t2Seq] = snapshot.queue;
  addSeries(localizerSeq, 256, 9, 9, 600, 1300);
  // The running T2 is at 40 %: 8 of its 20 slices have arrived.
  addSeries(t2Seq, 512, 8, 20, 650, 1400);

  const stateListeners = new Set<(v: WorkstationView) => void>();
  let counter = 1;

  // The desk: three scanners, the first one the console shows (its snapshot is the one above).
  // 8-bit grey thumbnails of the phantom: a square FOV, and a rectangular one (head centred, air either side).
  const thumbnailOf = (width: number, height: number, z: number) => {
    const size = height * 4;
    const source = phantom(size, z, 3);
    const left = Math.floor((width - height) / 2);
    let grey = '';
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const c = col - left;
        const v = c < 0 || c >= height ? 0 : source[row * 4 * size + c * 4];
        grey += String.fromCharCode(Math.max(0, Math.min(255, Math.round((v / 1400) * 255))));
      }
    }
    return btoa(grey);
  };
  const siteA = { id: 'st-olav-mr-2', name: 'St. Olav MR-2', url: 'wss://mr2-gateway.stolav.example:8443/larmor' };
  const siteB = { id: 'levanger-mr-1', name: 'Levanger MR-1', url: 'wss://mr1-gateway.levanger.example:8443/larmor' };
  const siteC = { id: 'namsos-mr-1', name: 'Namsos MR-1', url: 'wss://mr-gateway.namsos.example:8443/larmor' };
  let desk: DeskView = {
    focusedSiteId: siteA.id,
    maxConcurrentAcquisitions: 1,
    tiles: [
      {
        site: siteA,
        scanner: 'Larmor simulator 1.5 T',
        link: 'connected',
        health: 'healthy',
        error: null,
        state: 'acquiring',
        sequence: { name: 'T2 TSE axial', remainingS: 134 },
        onsite: { name: 'Per Lunde', credential: 'level-2-mr-personnel' },
        controlHolder: 'Ingrid Haugen',
        youHoldControl: true,
        thumbnail: { width: 64, height: 64, pixelsBase64: thumbnailOf(64, 64, 0.1), sopInstanceUid: '1.2.826.0.1.3680043.10.543.seq-2.8' },
        plans: [],
        unreadChat: 2,
        alarms: [],
      },
      {
        site: siteB,
        scanner: 'Larmor simulator 3 T',
        link: 'lost',
        health: 'reconnecting',
        error: { code: ErrorCode.LINK_DOWN, message: 'no heartbeat from the gateway for 6 s; reconnecting' },
        state: 'idle',
        sequence: null,
        onsite: null,
        controlHolder: null,
        youHoldControl: false,
        thumbnail: null,
        plans: [],
        unreadChat: 0,
        alarms: [
          {
            id: 'b-link-1',
            siteId: siteB.id,
            kind: 'link-lost',
            text: 'Link to Levanger MR-1 lost: no heartbeat for 6 s, reconnecting',
            detail: 'no heartbeat for 6 s, reconnecting',
            at: iso(-35),
            seq: null,
            acknowledged: false,
          },
        ],
      },
      {
        site: siteC,
        scanner: 'Larmor simulator 1.5 T',
        link: 'connected',
        health: 'degraded',
        error: null,
        state: 'aborted',
        sequence: null,
        onsite: { name: 'Kari Dahl-Johansen', credential: 'mr-safety-technologist' },
        controlHolder: null,
        youHoldControl: false,
        // A rectangular field of view, wider than tall: the tile must keep its aspect.
        thumbnail: { width: 96, height: 64, pixelsBase64: thumbnailOf(96, 64, 0.3), sopInstanceUid: '1.2.3.c.1' },
        unreadChat: 0,
        alarms: [
          {
            id: 'c-estop-41',
            siteId: siteC.id,
            kind: 'emergency-stop',
            text: 'EMERGENCY STOP by Kari Dahl-Johansen: acquisition stopped; remote control revoked (patient squeezed the call ball)',
            detail: 'by Kari Dahl-Johansen: acquisition stopped; remote control revoked (patient squeezed the call ball)',
            at: iso(-12),
            seq: 41,
            acknowledged: false,
          },
        ],
        plans: [
          {
            kind: 'communication-failure',
            text: 'Onsite finishes the running sequence and starts nothing new. Call the MR control room: +47 7421 5000.',
            version: 3,
            updatedAt: iso(-86400 * 12),
            updatedBy: 'MR physicist Anne Vik',
          },
          {
            kind: 'emergency',
            text: 'Press the emergency stop, remove the patient from the bore, call the crash team (internal 2222).',
            version: 1,
            updatedAt: iso(-86400 * 40),
            updatedBy: 'MR physicist Anne Vik',
          },
        ],
      },
    ],
  };
  for (let n = desk.tiles.length + 1; n <= (scenario.deskScanners ?? 0); n++) {
    const site = { id: `mr-${n}`, name: `Regional MR-${n}`, url: `wss://mr${n}.region.example/larmor` };
    desk.tiles.push({
      ...desk.tiles[0]!,
      site,
      state: 'idle',
      sequence: null,
      youHoldControl: false,
      controlHolder: null,
      thumbnail: null,
      plans: [],
      unreadChat: 0,
      alarms: [],
    });
  }
  const fullDesk = desk;
  // Before sign-in every scanner of the list is just not connected yet.
  if (scenario.disconnected) {
    desk = {
      ...desk,
      tiles: desk.tiles.map((t) => ({
        ...t,
        link: 'disconnected',
        health: 'offline',
        error: null,
        state: null,
        sequence: null,
        onsite: null,
        controlHolder: null,
        youHoldControl: false,
        thumbnail: null,
        plans: [],
        unreadChat: 0,
        alarms: [],
      })),
    };
  }
  const deskListeners = new Set<(v: DeskView) => void>();
  const publishDesk = () => deskListeners.forEach((l) => l(desk));
  const viewA = () => view;
  const otherView = (tile: DeskTile): WorkstationView => ({
    link: { ...view.link, status: tile.link, url: tile.site.url, error: tile.error },
    snapshot:
      tile.link === 'connected'
        ? {
            ...snapshot,
            site: { name: tile.site.name, scanner: 'Larmor simulator', fieldStrengthT: 1.5 },
            state: 'aborted',
            activeSequenceId: null,
            exam: { ...snapshot.exam!, patient: { name: 'HANSEN^OLE', id: 'PID-0051190', birthDate: '19620102', sex: 'M', weightKg: 91 }, studyUid: '1.2.3.c' },
            queue: snapshot.queue
              .slice(0, 2)
              .map((q, i) => ({ ...q, status: i === 0 ? 'completed' : 'aborted', endReason: i === 0 ? null : 'emergency stop' })),
            control: { holderSessionId: null, holderName: null },
          }
        : null,
    commands: [],
    health: offlineHealth(),
  });
  const api: LarmorApi = {
    desk: scenario.desk
      ? {
          async connect() {
            desk = fullDesk;
            view = { ...view, link: { ...view.link, status: 'connected', role: 'operator', name: 'Ingrid Haugen', sessionId: me }, snapshot };
            stateListeners.forEach((l) => l(view));
            publishDesk();
          },
          async focus(siteId: string) {
            const tile = desk.tiles.find((t) => t.site.id === siteId);
            if (!tile) throw new Error('no such scanner');
            desk = { ...desk, focusedSiteId: siteId };
            const next = siteId === siteA.id ? viewA() : otherView(tile);
            stateListeners.forEach((l) => l(next));
            publishDesk();
          },
          async acknowledge(siteId: string, alarmId: string) {
            desk = {
              ...desk,
              tiles: desk.tiles.map((t) =>
                t.site.id === siteId ? { ...t, alarms: t.alarms.map((a) => (a.id === alarmId ? { ...a, acknowledged: true } : a)) } : t,
              ),
            };
            publishDesk();
          },
          subscribe(listener: (v: DeskView) => void) {
            deskListeners.add(listener);
            listener(desk);
            return () => deskListeners.delete(listener);
          },
        }
      : {
          // Without the desk scenario, a desk with no list yet (the one-gateway flow).
          connect: async () => undefined,
          focus: async () => undefined,
          acknowledge: async () => undefined,
          subscribe(listener: (v: DeskView) => void) {
            listener({ tiles: [], focusedSiteId: null, maxConcurrentAcquisitions: 1 });
            return () => undefined;
          },
        },
    // No call in the fake: the video panes show that nobody has joined.
    media: { send: async () => undefined, subscribe: () => () => undefined },
    link: {
      async connect(request) {
        view = {
          ...view,
          link: { ...view.link, status: 'connected', url: request.url, role: request.role, name: request.name ?? request.user ?? null, sessionId: me },
          snapshot,
        };
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
            id: `cmd-${String(++counter).padStart(6, '0')}`,
            command,
            state: 'rejected',
            code: ErrorCode.INVALID_STATE,
            reason: 'the gateway is preparing this sequence as the next one',
            sentAt: new Date().toISOString(),
            settledAt: new Date().toISOString(),
          };
        }
        if (command.name === 'scan.pause') setActiveStatus('paused');
        if (command.name === 'scan.resume') setActiveStatus('acquiring');
        publish();
        const refused = scenario.role === 'observer';
        return {
          id: `cmd-${String(++counter).padStart(6, '0')}`,
          command,
          state: refused ? 'rejected' : 'done',
          code: refused ? ErrorCode.ROLE_FORBIDDEN : null,
          reason: refused ? 'observers cannot command the scanner' : null,
          sentAt: new Date().toISOString(),
          settledAt: new Date().toISOString(),
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
        listener(log); // one batch, as the shells send what waited
        return () => undefined;
      },
    },
    // Chat and marks answer at once, as over a healthy link; observers are refused as at the gateway.
    collab: {
      async send(action) {
        if (scenario.role === 'observer')
          return { action: action.name, state: 'rejected', error: { code: ErrorCode.OBSERVER_RECEIVE_ONLY, message: 'observers are receive-only' } };
        if (action.name === 'chat.send' && view.collab) {
          const entry = {
            id: `c${++counter}`,
            at: new Date().toISOString(),
            studyUid: null,
            from: { name: 'Ingrid Haugen', role: 'operator' as const },
            text: action.text,
          };
          view = { ...view, collab: { ...view.collab, chat: [...view.collab.chat, entry] } };
          publish();
        }
        return { action: action.name, state: 'done', error: null };
      },
    },
    images: {
      subscribe(listener) {
        if (!scenario.disconnected) images.forEach(listener);
        return () => undefined;
      },
      // The demo's images are all here already: nothing held elsewhere to fetch.
      fetch: async () => ({ queued: 0, unknown: [], code: null, reason: null }),
    },
  };
  (window as unknown as { larmor: LarmorApi }).larmor = api;
}
