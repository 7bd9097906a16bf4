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
  type GatewayMessage,
  type HelloMessage,
  type LinkPolicy,
  type Participant,
  type Role,
  type ScannerSnapshot,
  decodeClientMessage,
} from '../../protocol/index.js';
import { PARAM_LIMITS } from '../simulator/parameter-limits.js';
import { PROTOCOL_LIBRARY } from '../simulator/protocol-library.js';
import { ScannerSimulator } from '../simulator/scanner-simulator.js';
import { GatewayStore } from '../storage/gateway-store.js';
import { applyCommand } from './command-dispatch.js';
import { EventBuffer, type BufferedEvent } from './event-buffer.js';
import { newDicomUid } from './uids.js';

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
  /** Extra HTTP routes (the onsite console page). Return true when handled. */
  httpRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** Control frames are small; anything bigger is refused with an error and the link stays up. */
export const MAX_CONTROL_FRAME_BYTES = 64 * 1024;
/** A client silent for this many heartbeat intervals is considered gone. */
const DEAD_AFTER_INTERVALS = 8;
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
  private readonly sessions = new Map<string, ClientSession>();
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private controlHolder: string | null = null;
  private liveness: NodeJS.Timeout | null = null;
  private readonly log: (line: string) => void;
  private readonly site: ScannerSnapshot['site'];

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
    const holder = this.controlHolder ? this.sessions.get(this.controlHolder) : undefined;
    return {
      site: this.site,
      ...this.scanner.core(),
      control: { holderSessionId: holder?.id ?? null, holderName: holder?.name ?? null },
      participants: this.participants(),
      library: [...PROTOCOL_LIBRARY],
      limits: PARAM_LIMITS,
      timeScale: this.scanner.timeScale,
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
    if (this.liveness) clearInterval(this.liveness);
    for (const s of this.sessions.values()) s.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.store.close();
  }

  private handleHttp(req: IncomingMessage, res: ServerResponse): void {
    if (this.options.httpRoutes?.(req, res)) return;
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, version: PROTOCOL_VERSION, clients: this.sessions.size }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  }

  private accept(ws: WebSocket): void {
    const session: ClientSession = { id: randomUUID(), ws, role: null, name: null, connectedAt: new Date().toISOString(), lastSeen: Date.now() };
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
    if (hello.role === 'operator' && this.controlHolder === null) this.controlHolder = session.id;
    this.audit(session, 'hello', 'accepted', null, { resumeFrom: hello.resumeFrom ?? null });
    const replay = hello.resumeFrom === undefined ? undefined : this.events.since(hello.resumeFrom);
    this.send(session, {
      type: 'welcome',
      version: PROTOCOL_VERSION,
      session: { id: session.id, role: hello.role, name: hello.credentials.name },
      heartbeat: { intervalMs: this.heartbeatIntervalMs },
      policy: this.policy,
      snapshot: this.snapshot(),
      lastSeq: replay ? (hello.resumeFrom as number) : this.events.lastSeq,
    });
    for (const event of replay ?? []) session.ws.send(event.frame);
    this.publish({ kind: 'scanner', snapshot: this.snapshot() });
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
    if (session.role !== 'operator') {
      ack = rejected(id, ErrorCode.ROLE_FORBIDDEN, `the ${session.role} role cannot command the scanner`);
    } else if (this.controlHolder !== session.id) {
      const holder = this.controlHolder ? this.sessions.get(this.controlHolder)?.name : null;
      ack = rejected(id, ErrorCode.NOT_CONTROL_HOLDER, holder ? `${holder} holds scanner control` : 'nobody has granted you scanner control');
    } else {
      try {
        applyCommand(this.scanner, command, actor);
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

  private leave(session: ClientSession): void {
    this.sessions.delete(session.id);
    if (session.role === null) return;
    this.audit(session, 'disconnect', 'observed', null);
    if (this.controlHolder === session.id) this.controlHolder = null;
    this.publish({ kind: 'scanner', snapshot: this.snapshot() });
  }

  private dropSilentClients(): void {
    const deadline = Date.now() - DEAD_AFTER_INTERVALS * this.heartbeatIntervalMs;
    for (const session of this.sessions.values()) {
      if (session.lastSeen < deadline) {
        this.audit(session, 'heartbeat', 'lost', null, { silentMs: Date.now() - session.lastSeen });
        session.ws.terminate();
      }
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
