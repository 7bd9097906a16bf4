import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ErrorCode,
  LarmorError,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  type AckMessage,
  type CommandMessage,
  type CommandStatus,
  type CommandStatusMessage,
  type GatewayMessage,
  type HelloMessage,
  type IceServer,
  type LinkPolicy,
  type MediaClientMessage,
  type OnsiteMessage,
  type Participant,
  type Role,
  type ScannerSnapshot,
  SafetyErrorCode,
  decodeClientMessage,
} from '../../protocol/index.js';
import { applyOnsiteAction, type ControlHolder } from '../safety/onsite-actions.js';
import { OnsitePresenceBook } from '../safety/onsite-presence.js';
import { OperatorLossWatch, type LostOperator } from '../safety/operator-loss.js';
import { refuseSignal } from '../safety/signal-rules.js';
import { refuseAcquisitionStart, type Refusal } from '../safety/start-gate.js';
import { MediaRoom } from './media-room.js';
import { ONSITE_PATH, defaultOnsiteDir, serveOnsitePage } from './onsite-page.js';
import { PARAM_LIMITS } from '../simulator/parameter-limits.js';
import { PROTOCOL_LIBRARY } from '../simulator/protocol-library.js';
import { ScannerSimulator } from '../simulator/scanner-simulator.js';
import { GatewayStore } from '../storage/gateway-store.js';
import { applyCommand } from './command-dispatch.js';
import { EventBuffer, type BufferedEvent } from './event-buffer.js';
import { newDicomUid } from './uids.js';
import { attachImaging, type DicomReceiverOptions, type Imaging } from '../images/index.js';

export interface GatewayOptions {
  port?: number;
  /** Interface to listen on; anything but loopback requires TLS. */
  host?: string;
  /** SQLite file for the audit trail and command outcomes. */
  dataFile: string;
  timeScale?: number;
  site?: ScannerSnapshot['site'];
  policy?: Partial<LinkPolicy>;
  heartbeatIntervalMs?: number;
  /** PEM certificate and key: serve wss:// */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Shared site token; when set, every hello must carry it. */
  token?: string;
  log?: (line: string) => void;
  /** DICOM C-STORE receiver (a scanner or PACS pushes images here). */
  dicom?: DicomReceiverOptions;
  /**
   * Give control to the first operator who connects (the old single-person demo). Off by
   * default: the checked-in onsite person grants control (DESIGN.md safety rule 2).
   */
  autoGrantControl?: boolean;
  /** Refuse scan.start until the onsite checklist is confirmed for the exam (default true). */
  requireChecklist?: boolean;
  /** What happens to a running sequence when the control holder's link is lost (default finish). */
  operatorLossAction?: 'finish' | 'pause' | 'stop';
  /** STUN/TURN servers handed to WebRTC peers; none needed on a LAN (host candidates). */
  iceServers?: IceServer[];
  /** Folder of the built onsite console (default dist/onsite). */
  onsiteDir?: string;
  /** Extra HTTP routes. Return true when handled. */
  httpRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** Control frames are small; anything bigger is refused with an error and the link stays up. */
export const MAX_CONTROL_FRAME_BYTES = 64 * 1024;
/** A client silent for this many heartbeat intervals is considered gone. */
const DEAD_AFTER_INTERVALS = 8;
/**
 * The onsite console counts as alive while heard from within this many heartbeat intervals
 * (safety rule 1): stricter than the drop threshold, so a stalled console blocks a start before
 * its socket is even closed.
 */
const ALIVE_WITHIN_INTERVALS = 4;
const EVENT_BUFFER_EVENTS = 5000;
const EVENT_BUFFER_BYTES = 256 * 1024 * 1024;

const DEFAULT_POLICY: LinkPolicy = {
  onOperatorLoss: 'The running sequence completes; nothing new starts; onsite staff have been alerted.',
  fallbackInstructions: 'Call the MR control room. Onsite staff take over the exam.',
  controlGraceS: 60,
};

interface ClientSession {
  id: string;
  ws: WebSocket;
  role: Role | null;
  name: string | null;
  /** The credential token of its hello: a reconnect must present the same one to take over. */
  token: string | null;
  connectedAt: string;
  lastSeen: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * The scanner-side gateway: one WebSocket endpoint per site, sessions with roles, the scanner
 * simulator, the audit trail and idempotent command handling.
 */
export class Gateway {
  readonly scanner: ScannerSimulator;
  readonly store: GatewayStore;
  readonly events = new EventBuffer(EVENT_BUFFER_EVENTS, EVENT_BUFFER_BYTES);
  readonly policy: LinkPolicy;
  readonly heartbeatIntervalMs: number;
  /** Random per process: event numbers restart with every boot, so a resume names its boot. */
  readonly bootId = randomUUID();
  private readonly sessions = new Map<string, ClientSession>();
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  /** Scanner control (safety rule 2): granted by onsite, revoked by onsite or by an emergency stop. */
  private control: ControlHolder | null = null;
  private readonly presence = new OnsitePresenceBook();
  private readonly lossWatch = new OperatorLossWatch((lost) => this.controlReturnedToOnsite(lost));
  private readonly room = new MediaRoom();
  /** Operator who started the running acquisition (safety rule 3). */
  private activeStartedBy: string | null = null;
  private onsiteAlive = false;
  private liveness: NodeJS.Timeout | null = null;
  private readonly log: (line: string) => void;
  readonly site: ScannerSnapshot['site'];
  imaging: Imaging | null = null;

  private constructor(private readonly options: GatewayOptions) {
    const host = options.host ?? '127.0.0.1';
    if (!LOOPBACK.test(host) && !options.tls) {
      throw new LarmorError('LARMOR_E_TLS_REQUIRED', `listening on ${host} needs a TLS certificate and key: links outside loopback are always encrypted`);
    }
    this.log = options.log ?? (() => {});
    this.site = options.site ?? { name: 'Larmor demo site', scanner: 'Simulated 1.5 T', fieldStrengthT: 1.5 };
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 250;
    this.store = new GatewayStore(options.dataFile);
    this.scanner = new ScannerSimulator({ timeScale: options.timeScale ?? 1, newUid: newDicomUid });
    this.scanner.on('change', () => this.publish({ kind: 'scanner', snapshot: this.snapshot() }));
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handleHttp(req, res);
    this.http = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
    this.wss = new WebSocketServer({
      server: this.http,
      // Hard transport limit: a frame beyond it closes the socket (1009) before it is buffered.
      maxPayload: MAX_FRAME_BYTES,
      // Accept the client's subprotocol so a version mismatch can be explained in a refusal
      // rather than surfacing as an opaque handshake failure.
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : (protocols.values().next().value ?? false)),
    });
    this.wss.on('connection', (ws) => this.accept(ws));
  }

  static async start(options: GatewayOptions): Promise<Gateway> {
    const gateway = new Gateway(options);
    await new Promise<void>((resolve, reject) => {
      gateway.http.once('error', reject);
      gateway.http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    gateway.imaging = await attachImaging(gateway, options.dicom, gateway.log);
    gateway.scanner.startClock();
    gateway.liveness = setInterval(() => gateway.dropSilentClients(), gateway.heartbeatIntervalMs);
    gateway.liveness.unref();
    gateway.log(`gateway listening on ${gateway.url}`);
    return gateway;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `${this.options.tls ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${this.port}/`;
  }

  snapshot(): ScannerSnapshot {
    const holder = this.control;
    return {
      site: this.site,
      ...this.scanner.core(),
      control: { holderSessionId: holder?.sessionId ?? null, holderName: holder?.name ?? null },
      participants: this.participants(),
      library: [...PROTOCOL_LIBRARY],
      limits: PARAM_LIMITS,
      timeScale: this.scanner.timeScale,
      onsite: this.presence.status(this.onsiteConsoleAlive(), this.lossWatch.status()),
    };
  }

  /** Send one image (DICOM Part 10 bytes) to every greeted client, numbered with the events. */
  publishImage(header: Parameters<EventBuffer['appendImage']>[0], part10: Uint8Array): void {
    this.broadcast(this.events.appendImage(header, part10));
  }

  notice(level: 'info' | 'warning' | 'alarm', text: string): void {
    this.publish({ kind: 'notice', level, text });
  }

  async close(): Promise<void> {
    this.scanner.stopClock();
    this.lossWatch.clear();
    await this.imaging?.close();
    if (this.liveness) clearInterval(this.liveness);
    for (const s of this.sessions.values()) s.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.store.close();
  }

  private handleHttp(req: IncomingMessage, res: ServerResponse): void {
    if (this.options.httpRoutes?.(req, res)) return;
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === ONSITE_PATH || path.startsWith(`${ONSITE_PATH}/`)) {
      const wsOrigin = this.url.replace(/\/$/, '');
      void serveOnsitePage(req, res, this.options.onsiteDir ?? defaultOnsiteDir(), wsOrigin);
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, version: PROTOCOL_VERSION, clients: this.sessions.size }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  }

  private accept(ws: WebSocket): void {
    const session: ClientSession = { id: randomUUID(), ws, role: null, name: null, token: null, connectedAt: new Date().toISOString(), lastSeen: Date.now() };
    this.sessions.set(session.id, session);
    if (ws.protocol !== SUBPROTOCOL) {
      this.refuse(session, ErrorCode.VERSION_MISMATCH, `subprotocol ${JSON.stringify(ws.protocol)} not supported; this gateway speaks ${SUBPROTOCOL}`);
    }
    ws.on('message', (data, isBinary) => {
      session.lastSeen = Date.now();
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
      if (isBinary) return this.sendError(session, ErrorCode.INVALID_MESSAGE, 'clients send text frames only');
      if (size > MAX_CONTROL_FRAME_BYTES) {
        return this.sendError(session, ErrorCode.FRAME_TOO_LARGE, `control frame of ${size} bytes exceeds ${MAX_CONTROL_FRAME_BYTES}`);
      }
      this.receive(session, data.toString());
    });
    ws.on('error', (err) => this.log(`session ${session.id}: socket error ${(err as { code?: string }).code ?? err.message}`));
    ws.on('close', () => this.leave(session));
  }

  private receive(session: ClientSession, text: string): void {
    const decoded = decodeClientMessage(text);
    if (!decoded.ok) {
      if (session.role === null && decoded.code === ErrorCode.VERSION_MISMATCH) return this.refuse(session, decoded.code, decoded.message);
      this.audit(session, 'message', 'rejected', decoded.code, { reason: decoded.message });
      return this.sendError(session, decoded.code, decoded.message);
    }
    const message = decoded.message;
    switch (message.type) {
      case 'ping':
        return this.send(session, { type: 'pong', t: message.t });
      case 'hello':
        return this.greet(session, message);
      case 'command':
        if (session.role === null) return this.sendError(session, ErrorCode.HELLO_REQUIRED, 'send hello before commands');
        return this.command(session, message);
      case 'command.status':
        if (session.role === null) return this.sendError(session, ErrorCode.HELLO_REQUIRED, 'send hello before asking for command outcomes');
        return this.commandStatus(session, message);
      case 'onsite':
        if (session.role === null) return this.sendError(session, ErrorCode.HELLO_REQUIRED, 'send hello before onsite actions');
        return this.onsiteAction(session, message);
      case 'media.join':
      case 'media.leave':
      case 'media.state':
      case 'signal':
        if (session.role === null) return this.sendError(session, ErrorCode.HELLO_REQUIRED, 'send hello before joining media');
        return this.media(session, message);
    }
  }

  private greet(session: ClientSession, hello: HelloMessage): void {
    if (session.role !== null) return this.sendError(session, ErrorCode.ALREADY_GREETED, 'this session has already said hello');
    if (this.options.token !== undefined && hello.credentials.token !== this.options.token) {
      this.audit(session, 'hello', 'refused', ErrorCode.UNAUTHENTICATED, { name: hello.credentials.name, role: hello.role });
      return this.refuse(session, ErrorCode.UNAUTHENTICATED, 'the site token is missing or wrong');
    }
    session.role = hello.role;
    session.name = hello.credentials.name;
    session.token = hello.credentials.token ?? null;
    this.audit(session, 'hello', 'accepted', null, { resumeFrom: hello.resumeFrom ?? null, resumeBootId: hello.resumeBootId ?? null });
    // Control changes now, so the welcome's snapshot shows it; what is said about it waits until
    // after the welcome and the replay, or a client that drops pre-welcome events would miss it.
    const arrival = hello.role === 'operator' ? this.operatorArrived(session) : [];
    const replay = this.replayFor(hello);
    this.send(session, {
      type: 'welcome',
      version: PROTOCOL_VERSION,
      session: { id: session.id, role: hello.role, name: hello.credentials.name },
      bootId: this.bootId,
      heartbeat: { intervalMs: this.heartbeatIntervalMs },
      policy: this.policy,
      snapshot: this.snapshot(),
      lastSeq: replay ? (hello.resumeFrom as number) : this.events.lastSeq,
    });
    for (const event of replay ?? []) session.ws.send(event.frame);
    for (const say of arrival) this.notice(say.level, say.text);
    this.publish({ kind: 'scanner', snapshot: this.snapshot() });
  }

  /**
   * The events a resuming client missed, or undefined for a fresh snapshot: none asked for, a
   * gap older than the buffer keeps, or a resume point of another boot (or beyond this boot's
   * numbering), whose numbers mean nothing here.
   */
  private replayFor(hello: HelloMessage): BufferedEvent[] | undefined {
    if (hello.resumeFrom === undefined) return undefined;
    if (hello.resumeBootId !== undefined && hello.resumeBootId !== this.bootId) return undefined;
    if (hello.resumeFrom > this.events.lastSeq) return undefined;
    return this.events.since(hello.resumeFrom);
  }

  private command(session: ClientSession, message: CommandMessage): void {
    const { id, command } = message;
    const actor = session.name ?? 'unknown';
    const known = this.store.outcomeOf(id);
    if (known) {
      this.audit(session, `command ${command.name}`, 'duplicate', known.code, { id });
      return this.send(session, { type: 'ack', id, ...known });
    }
    let ack: AckMessage;
    let refusal: Refusal | null;
    if (session.role !== 'operator') {
      ack = rejected(id, ErrorCode.ROLE_FORBIDDEN, `the ${session.role} role cannot command the scanner`);
    } else if (this.control?.sessionId !== session.id) {
      const holder = this.control?.name ?? null;
      ack = rejected(id, ErrorCode.NOT_CONTROL_HOLDER, holder ? `${holder} holds scanner control` : 'the onsite technologist has not granted you scanner control');
    } else if ((refusal = this.refuseCommand(command, actor))) {
      ack = rejected(id, refusal.code, refusal.reason);
    } else {
      try {
        applyCommand(this.scanner, command, actor);
        if (command.name === 'scan.start') this.activeStartedBy = actor;
        ack = { type: 'ack', id, outcome: 'done', code: null, reason: null };
      } catch (err) {
        if (!(err instanceof LarmorError)) throw err;
        ack = rejected(id, err.code, err.message);
      }
    }
    // Durable before it is reported: a resend after a crash finds the same outcome.
    this.store.rememberOutcome(ack, actor, command.name);
    this.audit(session, `command ${command.name}`, ack.outcome, ack.code, { id, command, reason: ack.reason });
    this.send(session, ack);
  }

  /**
   * Lookup only (never applies anything): the stored outcome of each id. An id never received
   * is sealed as not applied, so a copy of the command still on its way (a half-dead route)
   * cannot run after the workstation was told it did not.
   */
  private commandStatus(session: ClientSession, message: CommandStatusMessage): void {
    const results: CommandStatus[] = [];
    let unknown = 0;
    for (const id of new Set(message.ids)) {
      const known = this.store.outcomeOf(id);
      if (known) {
        results.push({ id, known: true, outcome: known.outcome, code: known.code, reason: known.reason });
        continue;
      }
      unknown++;
      this.store.rememberOutcome(rejected(id, ErrorCode.NOT_APPLIED, 'looked up before it arrived: the gateway never received it; it was not applied'), session.name ?? 'unknown', 'command.status');
      results.push({ id, known: false });
    }
    this.audit(session, 'command.status', 'answered', null, { ids: results.map((r) => r.id), unknown });
    this.send(session, { type: 'command.status.result', results });
  }

  private leave(session: ClientSession): void {
    this.sessions.delete(session.id);
    if (session.role === null) return;
    this.audit(session, 'disconnect', 'observed', null);
    if (this.room.leave(session.id)) this.sendRoom();
    if (this.control?.sessionId === session.id) this.operatorLost(session);
    if (session.role === 'onsite' && this.presence.checkOut(session.id)) {
      this.audit(session, 'onsite presence', 'lost', null);
      this.notice('alarm', `Onsite console of ${session.name} lost: nobody is checked in, no acquisition can start`);
    }
    this.checkOnsiteAlive();
    this.publish({ kind: 'scanner', snapshot: this.snapshot() });
  }

  private dropSilentClients(): void {
    this.checkOnsiteAlive();
    const deadline = Date.now() - DEAD_AFTER_INTERVALS * this.heartbeatIntervalMs;
    for (const session of this.sessions.values()) {
      if (session.lastSeen < deadline) {
        this.audit(session, 'heartbeat', 'lost', null, { silentMs: Date.now() - session.lastSeen });
        session.ws.terminate();
      }
    }
  }

  get onsiteUrl(): string {
    return `${this.url.replace(/^ws/, 'http').replace(/\/$/, '')}${ONSITE_PATH}`;
  }

  // ------------------------------------------------------------ safety rules (gateway/safety/)

  /** Safety rules a control holder's command must still pass: starting (or resuming) an acquisition. */
  private refuseCommand(command: CommandMessage['command'], operator: string): Refusal | null {
    if (command.name !== 'scan.start' && command.name !== 'scan.resume') return null;
    return this.refuseStart(operator, command.name === 'scan.resume');
  }

  /** Rule 1 (onsite present, console alive, checklist) and rule 3 (one acquisition per operator). */
  private refuseStart(operator: string, resuming: boolean): Refusal | null {
    const exam = this.scanner.core().exam;
    return refuseAcquisitionStart({
      operator,
      onsiteCheckedIn: this.presence.current !== null,
      onsiteConsoleAlive: this.onsiteConsoleAlive(),
      checklistRequired: this.options.requireChecklist ?? true,
      checklistConfirmed: this.presence.checklistConfirmedFor(exam?.studyUid ?? null),
      activeStartedBy: this.scanner.core().activeSequenceId ? this.activeStartedBy : null,
      resuming,
    });
  }

  private onsiteConsoleAlive(): boolean {
    const present = this.presence.current;
    const session = present ? this.sessions.get(present.sessionId) : undefined;
    return session !== undefined && session.lastSeen >= Date.now() - ALIVE_WITHIN_INTERVALS * this.heartbeatIntervalMs;
  }

  /** Health transitions of the onsite console are published and audited (rule 6). */
  private checkOnsiteAlive(): void {
    const alive = this.onsiteConsoleAlive();
    if (alive === this.onsiteAlive) return;
    this.onsiteAlive = alive;
    const present = this.presence.current;
    this.store.audit({ sessionId: present?.sessionId ?? null, actor: present?.name ?? null, role: 'onsite', action: 'onsite console', decision: alive ? 'alive' : 'silent', code: null });
    if (!alive && present) this.notice('alarm', `Onsite console of ${present.name} is not responding: no acquisition can start`);
    this.publish({ kind: 'scanner', snapshot: this.snapshot() });
  }

  private setControl(holder: ControlHolder | null, by: ClientSession | null, why: string): void {
    const before = this.control;
    this.control = holder;
    this.store.audit({ sessionId: by?.id ?? null, actor: by?.name ?? 'gateway', role: by?.role ?? null, action: 'control', decision: holder ? `granted to ${holder.name}` : 'onsite', code: null, detail: { from: before?.name ?? null, why } });
  }

  /**
   * An operator said hello: give back control reserved after a link loss, take it over from a
   * stale session of the same operator, or the demo's auto-grant. Returns what to announce once
   * the operator has its welcome.
   */
  private operatorArrived(session: ClientSession): { level: 'info'; text: string }[] {
    const name = session.name!;
    if (this.lossWatch.reclaim(name)) {
      this.setControl({ sessionId: session.id, name }, session, 'reconnected within the grace period');
      return [{ level: 'info', text: `${name} is back: scanner control restored` }];
    }
    const stale = this.staleHolderOf(session);
    if (stale) {
      // A cut the gateway cannot see yet (no FIN, heartbeat deadline not reached): the holder's
      // old session still looks alive. The same operator (same name, same token) reconnecting is
      // proof enough that it is dead; without this the operator would never get control back.
      this.audit(stale, 'session', 'terminated', null, { reason: 'superseded by reconnect', by: session.id });
      this.setControl({ sessionId: session.id, name }, session, 'superseded by reconnect');
      stale.ws.terminate();
      return [{ level: 'info', text: `${name} reconnected: scanner control moved to the new link` }];
    }
    if (this.options.autoGrantControl && this.control === null && this.lossWatch.status() === null) {
      this.setControl({ sessionId: session.id, name }, session, 'autoGrantControl');
    }
    return [];
  }

  /**
   * The control holder's earlier session when `session` is that operator again: role operator on
   * both, the same name, the same token. An observer or another name never inherits control.
   */
  private staleHolderOf(session: ClientSession): ClientSession | undefined {
    const holder = this.control;
    if (!holder || holder.sessionId === session.id || holder.name !== session.name) return undefined;
    const previous = this.sessions.get(holder.sessionId);
    if (!previous || previous.role !== 'operator' || session.role !== 'operator') return undefined;
    return previous.token === session.token ? previous : undefined;
  }

  /** Rule 5: the control holder's link is gone. */
  private operatorLost(session: ClientSession): void {
    const name = session.name!;
    const action = this.options.operatorLossAction ?? 'finish';
    this.setControl(null, session, 'operator link lost');
    const lost = this.lossWatch.begin(name, this.policy.controlGraceS);
    const core = this.scanner.core();
    const running = core.queue.find((s) => s.id === core.activeSequenceId);
    let fate = 'nothing was running';
    if (running && action === 'stop') {
      this.scanner.stop(`operator ${name} link lost (site policy: stop)`);
      fate = `${running.name} stopped`;
    } else if (running && action === 'pause' && running.status === 'acquiring') {
      this.scanner.pause();
      fate = `${running.name} paused`;
    } else if (running) {
      fate = `${running.name} ${running.status === 'paused' ? 'stays paused' : 'runs to completion'}`;
    }
    this.audit(session, 'operator link', 'lost', null, { policy: action, running: running?.name ?? null, controlReturnsAt: lost.controlReturnsAt.toISOString() });
    this.notice('alarm', `Operator ${name}: link lost. ${fate}; nothing new starts. Control returns to onsite in ${this.policy.controlGraceS} s unless ${name} reconnects.`);
  }

  private controlReturnedToOnsite(lost: LostOperator): void {
    this.store.audit({ sessionId: null, actor: 'gateway', role: null, action: 'control', decision: 'returned to onsite', code: null, detail: { operator: lost.name, graceS: this.policy.controlGraceS } });
    this.notice('warning', `${lost.name} did not reconnect within ${this.policy.controlGraceS} s: scanner control is with onsite staff`);
    this.publish({ kind: 'scanner', snapshot: this.snapshot() });
  }

  private onsiteAction(session: ClientSession, message: OnsiteMessage): void {
    const { id, action } = message;
    let ack: AckMessage;
    if (session.role !== 'onsite') {
      ack = rejected(id, ErrorCode.ROLE_FORBIDDEN, `the ${session.role} role has no onsite console powers`);
    } else {
      const refusal = applyOnsiteAction(
        {
          actor: { sessionId: session.id, name: session.name! },
          presence: this.presence,
          scanner: this.scanner,
          lossWatch: this.lossWatch,
          operator: (sessionId) => {
            const s = this.sessions.get(sessionId);
            return s?.role === 'operator' ? { sessionId: s.id, name: s.name! } : undefined;
          },
          control: () => this.control,
          setControl: (holder) => this.setControl(holder, session, action.name),
          notice: (level, text) => this.notice(level, text),
        },
        action,
      );
      ack = refusal ? rejected(id, refusal.code, refusal.reason) : { type: 'ack', id, outcome: 'done', code: null, reason: null };
    }
    this.audit(session, `onsite ${action.name}`, ack.outcome, ack.code, { id, action, reason: ack.reason });
    this.send(session, ack);
    if (ack.outcome === 'done') {
      this.checkOnsiteAlive();
      this.publish({ kind: 'scanner', snapshot: this.snapshot() });
    }
  }

  // ------------------------------------------------------------ WebRTC signaling relay

  private media(session: ClientSession, message: MediaClientMessage): void {
    switch (message.type) {
      case 'media.join':
        this.room.join(session.id, session.role!, session.name!, message.state);
        this.audit(session, 'media', 'joined', null, { state: message.state });
        return this.sendRoom();
      case 'media.leave':
        if (this.room.leave(session.id)) {
          this.audit(session, 'media', 'left', null);
          this.sendRoom();
        }
        return;
      case 'media.state': {
        const before = this.room.update(session.id, message.state);
        if (!before) return this.sendError(session, SafetyErrorCode.SIGNAL_REFUSED, 'join the media room first');
        if (before.health !== message.state.health) {
          this.audit(session, 'media health', message.state.health, null, { reason: message.state.healthReason });
        }
        return this.sendRoom();
      }
      case 'signal': {
        const target = this.sessions.get(message.to);
        const refusal = refuseSignal(
          { role: session.role!, inRoom: this.room.has(session.id) },
          target?.role ? { role: target.role, inRoom: this.room.has(target.id) } : undefined,
          message.description,
        );
        if (refusal) {
          this.audit(session, 'signal', 'rejected', refusal.code, { to: message.to, reason: refusal.reason });
          return this.sendError(session, refusal.code, refusal.reason);
        }
        return this.send(target!, { type: 'signal', from: session.id, description: message.description, candidate: message.candidate });
      }
    }
  }

  private sendRoom(): void {
    const members = this.room.list();
    const iceServers = this.options.iceServers ?? [];
    for (const member of members) {
      const session = this.sessions.get(member.sessionId);
      if (session) this.send(session, { type: 'media.room', self: member.sessionId, iceServers, members });
    }
  }

  private participants(): Participant[] {
    return [...this.sessions.values()]
      .filter((s) => s.role !== null)
      .map((s) => ({ sessionId: s.id, name: s.name!, role: s.role!, connectedAt: s.connectedAt }));
  }

  private publish(body: Parameters<EventBuffer['append']>[0]): void {
    this.broadcast(this.events.append(body));
  }

  private broadcast(event: BufferedEvent): void {
    for (const session of this.sessions.values()) {
      if (session.role !== null && session.ws.readyState === session.ws.OPEN) session.ws.send(event.frame);
    }
  }

  private send(session: ClientSession, message: GatewayMessage): void {
    if (session.ws.readyState === session.ws.OPEN) session.ws.send(JSON.stringify(message));
  }

  private sendError(session: ClientSession, code: string, message: string): void {
    this.send(session, { type: 'error', code, message });
  }

  private refuse(session: ClientSession, code: string, reason: string): void {
    this.send(session, { type: 'refused', code, reason });
    session.ws.close(1008, code);
  }

  private audit(session: ClientSession, action: string, decision: string, code: string | null, detail?: unknown): void {
    this.store.audit({ sessionId: session.id, actor: session.name, role: session.role, action, decision, code, detail });
    this.log(`${session.name ?? session.id} (${session.role ?? 'unknown'}) ${action}: ${decision}${code ? ` ${code}` : ''}`);
  }
}

function rejected(id: string, code: string, reason: string): AckMessage {
  return { type: 'ack', id, outcome: 'rejected', code, reason };
}
