import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ErrorCode,
  LarmorError,
  MAX_CONTROL_FRAME_BYTES,
  MAX_NOTICE_HISTORY,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  type IceServer,
  type LinkPolicy,
  type NoticeAlarm,
  type ScannerSnapshot,
  decodeClientMessage,
  type Role,
  type CollabState,
  SIGN_IN_PATH,
} from '../../protocol/index.js';
import { AccountStore } from '../accounts/account-store.js';
import { PasswordSignIn, type SignInAudit } from '../accounts/password-sign-in.js';
import type { ScryptParams } from '../accounts/password-hash.js';
import { OnsiteNetworks } from '../auth/onsite-network.js';
import { OriginPolicy } from '../auth/origin-policy.js';
import { ResumeSecrets } from '../auth/resume-secrets.js';
import { DEFAULT_SESSION_POLICY, SessionCredentials, type SessionPolicy } from '../auth/session-credential.js';
import { readJsonBody, sendJson } from './http-json.js';
import { ONSITE_PATH, defaultOnsiteDir, serveOnsitePage } from './onsite-page.js';
import { PARAM_LIMITS } from '../simulator/parameter-limits.js';
import { PROTOCOL_LIBRARY } from '../simulator/protocol-library.js';
import { ScannerSimulator } from '../simulator/scanner-simulator.js';
import { GatewayStore } from '../storage/gateway-store.js';
import { CommandHandler } from './command-handler.js';
import type { GatewayContext } from './context.js';
import { ControlDesk } from './control.js';
import { EventBuffer, IMAGE_FRAME_BYTES, type BufferedEvent } from './event-buffer.js';
import { NoticeHistory } from './notice-history.js';
import { Handshake } from './handshake.js';
import { MediaRelay } from './media-relay.js';
import { OnsiteHandler } from './onsite-handler.js';
import { closeRefused, participantOf, SessionRegistry, type ClientSession } from './sessions.js';
import { newUid } from '../../base/node/uids.js';
import { isLoopbackHost } from '../../base/common/loopback.js';
import { formatClock } from '../../base/common/clock.js';
import { attachImaging, type DicomReceiverOptions, type Imaging } from '../images/index.js';
import { CollaborationDesk } from '../collaboration/collaboration-desk.js';
import { RaisedAlarms, seenWords } from '../safety/raised-alarms.js';
import { deidentifyPart10 } from '../images/deidentify-part10.js';
import { deidentifyChatEntry, deidentifyEventBody, deidentifySnapshot, identifiersIn, patientIdentifiers, type ObserverPhi } from './observer-phi.js';
import { AuditShipper, parseSyslogUrl, type AuditSyslogOptions } from '../audit/syslog/audit-shipper.js';
import type { ImageLimits } from '../../native-bridge/image-limits.js';
import { ExamImagesDesk } from './exam-images-desk.js';
import { DEFAULT_EXAM_IMAGES_MB } from '../images/exam-image-store.js';
import { ConnectionRoster } from '../../base/common/connection-roster.js';
import { DEFAULT_LINK_LIMITS, KeyedRates, MessageRate, SessionRates, type LinkLimits } from './link-limits.js';
import { guardSockets, serverTimeouts } from './socket-guard.js';
import { SendProgress } from './send-progress.js';
import { StalledTicks } from '../../base/common/stalled-ticks.js';
import { afterWaitingReads } from '../../base/node/after-waiting-reads.js';
import { FoldedRepeats } from '../audit/folded-repeats.js';

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
   * default: the checked-in onsite person grants control (docs/architecture.md "Safety rules", rule 2).
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
  /** What observers see of the patient (default none: identifiers removed, PS3.15 Annex E). */
  observerPhi?: ObserverPhi;
  /** Ship every audit row as a DICOM audit message over TLS syslog (RFC 5425) to the site's repository. */
  auditSyslog?: AuditSyslogOptions;
  /** Session credential expiry and idle timeout (site policy). */
  sessionPolicy?: Partial<SessionPolicy>;
  /** Roles whose sign-in needs an authenticator code (site policy). */
  totpRoles?: Role[];
  /** Web origins besides the gateway's own pages that may open its WebSocket. */
  allowedOrigins?: string[];
  /** Networks (CIDR) the onsite role is accepted from; default anywhere. */
  onsiteFrom?: string[];
  /** scrypt cost for new password hashes (default CURRENT_SCRYPT). */
  scrypt?: ScryptParams;
  /** Decoded-size caps for every image (simulator or C-STORE); default DEFAULT_IMAGE_LIMITS. */
  imageLimits?: ImageLimits;
  /** Per-connection message rate, per-address connections, refusal audit window (DEFAULT_LINK_LIMITS). */
  linkLimits?: Partial<LinkLimits>;
  /** Bound of the open exam's images kept for clients that join or resume, in MB (default DEFAULT_EXAM_IMAGES_MB); oldest series dropped first. */
  examImagesMb?: number;
  /** Fetched images wait while a socket has more than this many bytes queued (default CATCH_UP_HIGH_WATER_BYTES). */
  catchUpHighWaterBytes?: number;
}

/**
 * Refusals of a signed-in session audited folded (Gateway.audit): what its role may never do, and
 * what is over a rate. Any other refusal of a command (control, a safety rule, a command already
 * settled) keeps a row of its own with the command's id: the audit trail answers for every
 * command a person could have run.
 */
const FOLDED_REFUSALS: ReadonlySet<string> = new Set([
  ErrorCode.OBSERVER_RECEIVE_ONLY,
  ErrorCode.ROLE_FORBIDDEN,
  ErrorCode.RATE_LIMITED,
  ErrorCode.SIGNAL_REFUSED,
  ErrorCode.IMAGE_NOT_HELD,
  ErrorCode.MEDIA_ROOM_FULL,
]);

/** A client silent for this many heartbeat intervals is considered gone. */
const DEAD_AFTER_INTERVALS = 8;
/** A liveness check this much behind its time means the gateway's own process was not running (base/common/stalled-ticks.ts). */
const STALLED_CHECK_MS = 100;
const EVENT_BUFFER_EVENTS = 5000;
/** How often the contingency plans are checked for a new version written by another process. */
const PLANS_POLL_MS = 2000;
/**
 * Frames of the resume buffer in memory: image frames within IMAGE_FRAME_BYTES
 * (gateway/server/event-buffer.ts), and 16 MB of JSON events. While a sequence acquires, the
 * scanner's state goes out about 13 times a second at some 4 KB (twice, with its observer copy):
 * 16 MB is two minutes of it, far longer than a link that blinks stays away. A longer gap gets a
 * fresh snapshot, which is the same state. Without this bound, 5,000 such events held 40 MB
 * more, and the gateway grew for six minutes of every acquisition before it levelled off.
 */
const EVENT_BUFFER_BYTES = IMAGE_FRAME_BYTES + 16 * 1024 * 1024;
/** The error code ws gives a frame over `maxPayload` (ws lib/receiver.js). */
const WS_FRAME_TOO_LARGE = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/** The audit trail's action for a peer's refusal, by its code: what the peer was doing. */
function peerRefusalAction(code: string): string {
  switch (code) {
    case ErrorCode.TOO_MANY_CONNECTIONS:
      return 'connection';
    case ErrorCode.ORIGIN_FORBIDDEN:
      return 'websocket upgrade';
    case ErrorCode.FRAME_TOO_LARGE:
    case ErrorCode.INVALID_MESSAGE:
      return 'message';
    case ErrorCode.SIGN_IN_THROTTLED:
      return 'sign-in';
    default:
      // HELLO_TIMEOUT, and hellos refused before they showed an account (handshake.ts).
      return 'hello';
  }
}

const DEFAULT_POLICY: LinkPolicy = {
  onOperatorLoss: 'The running sequence completes; nothing new starts; onsite staff have been alerted.',
  fallbackInstructions: 'Call the MR control room. Onsite staff take over the exam.',
  controlGraceS: 60,
};

/**
 * The scanner-side gateway: one WebSocket endpoint per site, sessions with roles, the scanner
 * simulator, the audit trail and idempotent command handling. This class is the composition
 * root: it owns the transport (HTTP, WebSocket framing, liveness) and routes each decoded
 * message to its handler (handshake, commands, control, onsite, media), which share a
 * GatewayContext.
 */
export class Gateway {
  readonly scanner: ScannerSimulator;
  readonly store: GatewayStore;
  readonly events: EventBuffer;
  readonly policy: LinkPolicy;
  readonly heartbeatIntervalMs: number;
  /** Random per process: event numbers restart with every boot, so a resume names its boot. */
  readonly bootId = randomUUID();
  private readonly sessions: SessionRegistry;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly control: ControlDesk;
  private readonly onsite: OnsiteHandler;
  private readonly commands: CommandHandler;
  private readonly media: MediaRelay;
  private readonly handshake: Handshake;
  /** Each session's rate of image.fetch requests (link-limits.ts imageFetchesPerSecond). */
  private readonly fetchRates: SessionRates;
  private readonly resumeSecrets = new ResumeSecrets((id) => this.sessions.get(id));
  private readonly collaboration: CollaborationDesk;
  /** Alarms raised here, so that whoever raised one learns who saw it. */
  private readonly raisedAlarms = new RaisedAlarms();
  /** This boot's last notices, for clients welcomed with a fresh snapshot. */
  private readonly noticeHistory: NoticeHistory;
  /** Alarms no one has seen yet (their notice's seq), and their rows in the open-alarm store. */
  private readonly openAlarmRows = new Map<number, number>();
  /**
   * Patient identifiers in the words of alarms raised again this boot: withheld from observers
   * (with those of the open exam) in those alarms and in the notices that say who saw them,
   * although the exam they belong to is no longer open.
   */
  private readonly carriedIdentifiers = new Set<string>();
  /** The open exam's images, the series catalogue and image.fetch (docs/architecture.md "The image's path"). */
  readonly examImages: ExamImagesDesk;
  private liveness: NodeJS.Timeout | null = null;
  /** The liveness checks' lateness: time this process did not run is no client's silence. */
  private livenessStalls = new StalledTicks(0, STALLED_CHECK_MS, 0);
  private plansWatch: NodeJS.Timeout | null = null;
  /** People who may sign in (gateway/accounts), in the gateway's SQLite file. */
  readonly accounts: AccountStore;
  /** Issues and verifies session credentials; SSO sign-in issues through it as well. */
  readonly credentials: SessionCredentials;
  private readonly passwordSignIn: PasswordSignIn;
  /** Sign-ins each person may make, with a local account (by user name) or at the hospital's provider (issuer#subject). */
  readonly signInsPerPerson: KeyedRates;
  private readonly originPolicy: OriginPolicy;
  /** Shutting down: links closing now are not operator losses (no grace timers outliving the store). */
  private closing = false;
  private readonly log: (line: string) => void;
  readonly site: ScannerSnapshot['site'];
  imaging: Imaging | null = null;
  auditShipper: AuditShipper | null = null;
  private readonly linkLimits: LinkLimits;
  /** WebSocket sessions per address (no limit in all: the web port's sockets are bounded in socket-guard.ts). */
  private readonly addresses: ConnectionRoster;
  /**
   * The largest image this boot has sent. A client is allowed that much send backlog beyond
   * `sendBacklogBytes`: one image may be larger than the limit on its own (a multi-frame object of
   * a few hundred frames that RLE does not shrink), and a client taking it is not stalled.
   */
  private largestImageBytes = 0;
  /** Repeated refusals of one kind from one session: one audit row per window, with a count. */
  private readonly refusals: FoldedRepeats;
  /**
   * The same for refusals of peers that are no account's session yet, by network address:
   * connections, upgrades, hellos, sign-ins held back by the throttle. Anyone can send those, as
   * fast as they can connect.
   */
  private readonly peerRefusals: FoldedRepeats;

  private constructor(private readonly options: GatewayOptions) {
    const host = options.host ?? '127.0.0.1';
    if (!isLoopbackHost(host) && !options.tls) {
      throw new LarmorError(ErrorCode.TLS_REQUIRED, `listening on ${host} needs a TLS certificate and key: links outside loopback are always encrypted`);
    }
    this.log = options.log ?? (() => {});
    if (options.auditSyslog) parseSyslogUrl(options.auditSyslog.url); // refuse a bad URL before listening
    this.site = options.site ?? { name: 'Larmor demo site', scanner: 'Larmor MR simulator', fieldStrengthT: 1.5 };
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 250;
    this.store = new GatewayStore(options.dataFile);
    this.accounts = new AccountStore(options.dataFile);
    // Next to the database, so a restart on the same data dir keeps credentials valid.
    this.credentials = new SessionCredentials(join(dirname(options.dataFile), 'session-key'), { ...DEFAULT_SESSION_POLICY, ...options.sessionPolicy });
    this.linkLimits = { ...DEFAULT_LINK_LIMITS, ...options.linkLimits };
    this.signInsPerPerson = new KeyedRates(this.linkLimits.signInsPerSecond, this.linkLimits.signInBurst);
    this.passwordSignIn = new PasswordSignIn(
      this.accounts,
      this.credentials,
      {
        totpRoles: options.totpRoles ?? [],
        scrypt: options.scrypt,
        triesPerAccount: this.signInsPerPerson,
      },
      (entry) => this.auditSignIn(entry),
    );
    this.originPolicy = new OriginPolicy(options.allowedOrigins);
    this.fetchRates = new SessionRates(this.linkLimits.imageFetchesPerSecond, this.linkLimits.imageFetchBurst);
    this.addresses = new ConnectionRoster(Number.POSITIVE_INFINITY, this.linkLimits.connectionsPerAddress);
    this.events = new EventBuffer(EVENT_BUFFER_EVENTS, EVENT_BUFFER_BYTES, { messageBytes: this.linkLimits.sendMessageBytes });
    this.noticeHistory = new NoticeHistory(this.linkLimits.sendMessageBytes, MAX_NOTICE_HISTORY, (seq) => this.raisedAlarms.isUnseen(seq));
    this.sessions = new SessionRegistry(
      this.linkLimits.sendMessageBytes,
      (session, type, bytes) =>
        this.audit(session, 'send', 'not sent', ErrorCode.MESSAGE_UNDELIVERABLE, { type, bytes, limitBytes: this.linkLimits.sendMessageBytes }),
      // A refused session's place among its address's sessions is free at once, not when its peer
      // gets round to closing: refused hellos cannot keep a workstation at that address out.
      (session) => session.rosterEntry && this.addresses.closed(session.rosterEntry),
    );
    this.refusals = new FoldedRepeats(this.linkLimits.refusalAuditWindowMs, (row) => {
      const s = this.sessions.get(row.key);
      // A refused action (audit()) says what it was; a message refused at the link does not.
      const { action = 'message', decision = 'rejected', detail } = (row.detail ?? {}) as { action?: string; decision?: string; detail?: object };
      this.store.audit({
        sessionId: row.key,
        actor: s?.name ?? null,
        role: s?.role ?? null,
        action,
        decision,
        code: row.code,
        detail: { ...detail, count: row.count, firstAt: row.firstAt, lastAt: row.lastAt, reason: row.reason },
        userId: s?.userId ?? null,
        peer: s?.peer ?? null,
      });
      this.log(`${s?.name ?? row.key} (${s?.role ?? 'unknown'}) ${action}: ${decision} ${row.code}${row.count > 1 ? ` x${row.count}` : ''}: ${row.reason}`);
    });
    this.peerRefusals = new FoldedRepeats(this.linkLimits.refusalAuditWindowMs, (row) => {
      // Hospital sign-in (refuseByAddress) names its step: its codes come from either.
      const { action = peerRefusalAction(row.code), ...refused } = (row.detail ?? {}) as { action?: string };
      // As a hello, an upgrade or a sign-in refused one by one is written (handshake.ts, auditSignIn, auth/oidc): the same rows, with a count.
      const decision = action === 'hello' || action === 'websocket upgrade' || action === 'sign-in' || action.startsWith('sso.') ? 'refused' : 'rejected';
      this.store.audit({
        sessionId: null,
        actor: null,
        role: null,
        action,
        decision,
        code: row.code,
        detail: { ...refused, count: row.count, firstAt: row.firstAt, lastAt: row.lastAt, reason: row.reason },
        peer: row.key,
      });
      this.log(`${row.key} ${action}: ${decision} ${row.code}${row.count > 1 ? ` x${row.count}` : ''}: ${row.reason}`);
    });
    this.scanner = new ScannerSimulator({ timeScale: options.timeScale ?? 1, newUid });
    const ctx: GatewayContext = {
      sessions: this.sessions,
      store: this.store,
      scanner: this.scanner,
      policy: this.policy,
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      audit: (session, action, decision, code, detail) => this.audit(session, action, decision, code, detail),
      notice: (level, text, alarm) => this.notice(level, text, alarm),
      unseenAlarms: (kind, by) => this.raisedAlarms.unseen(kind, by),
      publishSnapshot: () => this.publishSnapshot(),
      publishParticipant: (change, session) => this.publishParticipant(change, session),
    };
    this.control = new ControlDesk(ctx, options);
    const limits = this.linkLimits;
    // A console's onsite actions are held to the rate of an operator's commands: both are clicks.
    this.onsite = new OnsiteHandler(ctx, this.control, new SessionRates(limits.commandsPerSecond, limits.commandBurst));
    this.commands = new CommandHandler(ctx, this.control, this.onsite, options, {
      commands: new SessionRates(limits.commandsPerSecond, limits.commandBurst),
      seals: new SessionRates(limits.commandSealsPerSecond, limits.commandSealBurst),
    });
    // Joining the call is held to the rate of shared actions, in a bucket of its own.
    this.media = new MediaRelay(ctx, options.iceServers ?? [], limits.refusalAuditWindowMs, {
      joins: new SessionRates(limits.sharedActionsPerSecond, limits.sharedActionBurst),
      signalBytes: new SessionRates(limits.signalBytesPerSecond, limits.signalByteBurst),
    });
    this.handshake = new Handshake(ctx, {
      control: this.control,
      events: this.events,
      noticeHistory: this.noticeHistory,
      bootId: this.bootId,
      token: options.token,
      credentials: this.credentials,
      onsiteNetworks: new OnsiteNetworks(options.onsiteFrom),
      resumeSecrets: this.resumeSecrets,
      snapshot: (role) => this.snapshotFor(role),
      observerPhi: this.observerPhi,
      sessionsPerAccount: this.linkLimits.sessionsPerAccount,
      sessionStarts: new KeyedRates(this.linkLimits.sessionStartsPerSecond, this.linkLimits.sessionStartBurst),
      refuseByAddress: (session, code, reason, detail) => this.peerRefusals.report(session.peer ?? 'unknown', code, reason, new Date(), detail),
    });
    if (this.observerPhi === 'none') {
      this.events.redactForObservers({
        body: (body) => deidentifyEventBody(body, [...patientIdentifiers(this.scanner.core().exam), ...this.carriedIdentifiers]),
        // Through the exam image store: an image is de-identified once, for its live frame and its spooled copy alike.
        part10: (part10, header) => this.examImages.observerCopyOf(header, part10),
      });
    }
    this.collaboration = new CollaborationDesk(ctx, {
      control: this.control,
      checkedInOnsite: () => this.onsite.presence.current?.sessionId ?? null,
      applyAs: (holder, id, command) => {
        this.commands.command(holder, { type: 'command', id, command });
        const outcome = this.store.outcomeOf(id);
        return outcome ? { type: 'ack', id, ...outcome } : undefined;
      },
      publish: (body) => this.publish(body),
      sharedActions: new SessionRates(limits.sharedActionsPerSecond, limits.sharedActionBurst),
      lastSeq: () => this.events.lastSeq,
      alarmNewTo: (session, seq) => this.raisedAlarms.isNewTo(seq, session.name!),
      alarmSeen: (session, seq) => {
        const alarm = this.raisedAlarms.see(seq, session.name!);
        if (!alarm) return;
        this.publish({ kind: 'notice', level: 'info', text: seenWords(alarm, session.name!), seen: { seq, by: session.name! } });
        const row = this.openAlarmRows.get(seq);
        if (row === undefined) return;
        this.store.openAlarms.seen(row);
        this.openAlarmRows.delete(seq);
      },
    });
    this.scanner.on('change', () => this.publishSnapshot());
    this.examImages = new ExamImagesDesk(ctx, {
      maxBytes: (options.examImagesMb ?? DEFAULT_EXAM_IMAGES_MB) * 1024 * 1024,
      // Beside the database, private like it; emptied now of what a killed process left.
      spoolDir: join(dirname(options.dataFile), 'exam-images'),
      observerCopy: this.observerPhi === 'none' ? (part10, header) => this.observerPart10(part10, header.sopInstanceUid) : undefined,
      highWaterBytes: options.catchUpHighWaterBytes,
      noticeWindowMs: this.linkLimits.refusalAuditWindowMs,
    });
    // Image frames older than the resume buffer keeps in memory are rebuilt from the spool on a resume.
    this.events.rebuildImagesFrom(this.examImages.imageSource);
    this.scanner.on('change', () => this.examImages.scannerChanged());
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handleHttp(req, res);
    const { handshakeTimeout, ...timeouts } = serverTimeouts(this.linkLimits);
    this.http = options.tls
      ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, handshakeTimeout, ...timeouts }, handler)
      : createHttpServer(timeouts, handler);
    guardSockets(this.http, this.linkLimits, (address, reason) => this.peerRefusals.report(address, ErrorCode.TOO_MANY_CONNECTIONS, reason));
    this.wss = new WebSocketServer({
      server: this.http,
      // Clients send only control frames: ws reads a frame's length from its header and closes
      // the socket (1009) for one beyond the cap before buffering a byte of its payload.
      maxPayload: MAX_CONTROL_FRAME_BYTES,
      // One message of a client per turn of the event loop: ws otherwise hands over every
      // message of a read (some 600 small ones in 64 KiB) in one go, and a burst from one client
      // holds every other's heartbeat behind it. While its next message waits, ws stops reading
      // its socket, so a flood stays in the kernel's buffers and then the peer's.
      allowSynchronousEvents: false,
      // Accept the client's subprotocol so a version mismatch can be explained in a refusal
      // rather than surfacing as an opaque handshake failure.
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : (protocols.values().next().value ?? false)),
      // A page of a foreign origin is refused here, before its first message (RFC 6455 10.2).
      verifyClient: (info, done) => {
        if (this.originPolicy.allows(info.req.headers.origin, info.req.headers.host, info.secure)) return done(true);
        const peer = info.req.socket.remoteAddress ?? 'unknown';
        this.peerRefusals.report(peer, ErrorCode.ORIGIN_FORBIDDEN, `a page of ${info.req.headers.origin} may not connect`, new Date(), {
          origin: info.req.headers.origin,
        });
        done(false, 403, `${ErrorCode.ORIGIN_FORBIDDEN}: pages of ${info.req.headers.origin} may not connect to this gateway`, {
          'x-larmor-error': ErrorCode.ORIGIN_FORBIDDEN,
        });
      },
    });
    this.wss.on('connection', (ws, req) => this.accept(ws, req));
  }

  static async start(options: GatewayOptions): Promise<Gateway> {
    const gateway = new Gateway(options);
    await new Promise<void>((resolve, reject) => {
      gateway.http.once('error', reject);
      gateway.http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    gateway.imaging = await attachImaging(gateway, options.dicom, gateway.log, options.imageLimits, gateway.linkLimits.refusalAuditWindowMs);
    if (options.auditSyslog) {
      const shipper = new AuditShipper({
        ...options.auditSyslog,
        databaseFile: options.dataFile,
        cursorFile: `${options.dataFile}.syslog-cursor`,
        origin: { hostname: hostname(), procId: String(process.pid), sourceId: `larmor-gateway@${hostname()}`, siteId: gateway.site.name },
        log: gateway.log,
      });
      gateway.auditShipper = shipper;
      gateway.store.onAudit(() => shipper.notify());
    }
    // PS3.15 A.5.3.1 Application Activity: the audit trail says when the gateway ran.
    gateway.store.audit({
      sessionId: null,
      actor: 'gateway',
      role: null,
      action: 'gateway',
      decision: 'started',
      code: null,
      detail: { url: gateway.url, observerPhi: gateway.observerPhi },
    });
    gateway.raiseAlarmsLeftOpen();
    gateway.scanner.startClock();
    gateway.livenessStalls = new StalledTicks(gateway.heartbeatIntervalMs, STALLED_CHECK_MS, Date.now());
    gateway.liveness = setInterval(() => gateway.checkLiveness(), gateway.heartbeatIntervalMs);
    // Plans are edited by `larmor gateway plans` in another process: notice a new version.
    gateway.plansWatch = setInterval(() => gateway.collaboration.publishPlansIfChanged(), PLANS_POLL_MS);
    gateway.plansWatch.unref();
    gateway.liveness.unref();
    gateway.log(`gateway listening on ${gateway.url}`);
    return gateway;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The SQLite file of the audit trail and command outcomes (a restart on it remembers both). */
  get dataFile(): string {
    return this.options.dataFile;
  }

  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `${this.options.tls ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${this.port}/`;
  }

  get onsiteUrl(): string {
    return `${this.url.replace(/^ws/, 'http').replace(/\/$/, '')}${ONSITE_PATH}`;
  }

  snapshot(): ScannerSnapshot {
    const holder = this.control.holder;
    return {
      site: this.site,
      ...this.scanner.core(),
      control: { holderSessionId: holder?.sessionId ?? null, holderName: holder?.name ?? null },
      participants: this.sessions.participants(),
      library: [...PROTOCOL_LIBRARY],
      limits: PARAM_LIMITS,
      timeScale: this.scanner.timeScale,
      onsite: this.onsite.status(),
    };
  }

  get observerPhi(): ObserverPhi {
    return this.options.observerPhi ?? 'none';
  }

  /** The snapshot as a session of this role may see it: observers per the observer PHI policy. */
  snapshotFor(role: Role): ScannerSnapshot {
    return role === 'observer' && this.observerPhi === 'none' ? deidentifySnapshot(this.snapshot()) : this.snapshot();
  }

  /** What a joining client catches up on; observers' chat has the patient's identifiers removed, as their events do. */
  private collabStateFor(role: Role): CollabState {
    const state = this.collaboration.state();
    const withheld = patientIdentifiers(this.scanner.core().exam);
    if (role !== 'observer' || this.observerPhi !== 'none' || withheld.length === 0) return state;
    return { ...state, chat: state.chat.map((entry) => deidentifyChatEntry(entry, withheld)) };
  }

  /** Send one image (DICOM Part 10 bytes) to every greeted client, numbered with the events. */
  publishImage(header: Parameters<EventBuffer['appendImage']>[0], part10: Uint8Array): void {
    this.largestImageBytes = Math.max(this.largestImageBytes, part10.byteLength);
    this.collaboration.sentImages.add(header.sopInstanceUid);
    const event = this.events.appendImage(header, part10);
    this.sessions.broadcast(event);
    this.examImages.imagePublished(event);
  }

  /** An image's de-identified copy, made when an observer first needs it; a withheld one is audited then, once. */
  private observerPart10(part10: Uint8Array, sopInstanceUid: string): Uint8Array | null {
    const copy = deidentifyPart10(part10);
    if (copy === null) {
      this.store.audit({
        sessionId: null,
        actor: 'gateway',
        role: null,
        action: 'observer phi',
        decision: 'image withheld',
        code: null,
        detail: { sopInstanceUid, why: 'its patient identifiers could not be removed' },
      });
    }
    return copy;
  }

  notice(level: 'info' | 'warning' | 'alarm', text: string, alarm?: NoticeAlarm): void {
    const seq = this.publishNotice(level, text, alarm);
    // On disk until someone sees it, so that a restart raises it again. An operator loss ends
    // with the link it was about, which a restart ends too.
    if (seq === null || !alarm || alarm.kind === 'operator-loss') return;
    const identifiers = identifiersIn([text, alarm.detail, alarm.reason ?? ''].join('\n'), this.scanner.core().exam);
    // Written down with the notice it is, for a workstation that showed it to know it again.
    const kept = { ...alarm, firstRaised: { bootId: this.bootId, seq } };
    this.keepOpen(seq, this.store.openAlarms.add({ at: new Date().toISOString(), text, alarm: kept, identifiers }));
  }

  /** A notice to every client; an alarm among them is remembered for acknowledgement. Its seq, or null when it could not be sent. */
  private publishNotice(level: 'info' | 'warning' | 'alarm', text: string, alarm?: NoticeAlarm): number | null {
    const seq = this.publish({ kind: 'notice', level, text, ...(alarm ? { alarm } : {}) });
    if (alarm && seq !== null) this.raisedAlarms.record(seq, alarm);
    return seq;
  }

  /** Until someone sees the alarm numbered `seq`, its row in the open-alarm store stays. */
  private keepOpen(seq: number, row: number): void {
    this.openAlarmRows.set(seq, row);
    if (this.openAlarmRows.size > MAX_NOTICE_HISTORY) this.openAlarmRows.delete(this.openAlarmRows.keys().next().value!);
  }

  /**
   * The emergency stops and calls for help no one had seen when this gateway's data directory
   * was last in use (a crash, a restart): raised again, in this boot's numbering, so that the
   * technologist who connects next gets them, and the staff who raised them learn who saw them.
   * Each keeps its row, with when it was first raised, however many restarts it takes.
   */
  private raiseAlarmsLeftOpen(): void {
    for (const { id, identifiers, ...open } of this.store.openAlarms.all()) {
      for (const value of identifiers) this.carriedIdentifiers.add(value);
      this.store.audit({ sessionId: null, actor: 'gateway', role: null, action: 'alarm', decision: 'raised again', code: null, detail: open });
      // The text is what the onsite console shows, at the site, in the gateway's time zone;
      // workstations word the time from `raisedAt`, in their own.
      const text = `${open.text} (raised ${formatClock(open.at)}, before the gateway restarted)`;
      const alarm = { ...open.alarm, detail: `${open.alarm.detail} (raised before the gateway restarted)`, raisedAt: open.at };
      const seq = this.publishNotice('alarm', text, alarm);
      if (seq !== null) this.keepOpen(seq, id);
      // A workstation on this one scanner shows an emergency stop on its emergency banner, from the snapshot.
      if (alarm.kind === 'emergency-stop' && alarm.by) this.onsite.presence.recordEmergency(alarm.by, alarm.reason, new Date(open.at));
    }
  }

  /**
   * A refusal of a peer that is no one yet, made by one of GatewayOptions.httpRoutes (hospital
   * sign-in): folded by address with the gateway's own, one row per kind and window with a
   * count. `detail.action` is what was refused when the code does not say.
   */
  refuseByAddress(address: string, code: string, reason: string, detail?: { action?: string } & Record<string, unknown>): void {
    this.peerRefusals.report(address, code, reason, new Date(), detail);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.scanner.stopClock();
    this.control.clear();
    this.media.close();
    this.refusals.flush();
    this.peerRefusals.flush();
    await this.imaging?.close();
    this.examImages.close();
    if (this.liveness) clearInterval(this.liveness);
    if (this.plansWatch) clearInterval(this.plansWatch);
    for (const s of this.sessions.values()) s.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    // An onsite page still open keeps HTTP connections; shutting down does not wait for it to let go.
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await closed;
    this.store.audit({ sessionId: null, actor: 'gateway', role: null, action: 'gateway', decision: 'stopped', code: null });
    await this.auditShipper?.close();
    this.accounts.close();
    this.store.close();
  }

  /**
   * Every HTTP request. A route that fails, at once or later, is answered with a coded 500 and
   * logged, never left to propagate: Node ends the whole process on an uncaught exception or an
   * unhandled rejection, and with it every link and the DICOM port. A peer that went away
   * mid-request (a sign-in body cut off) is no failure: there is nobody left to answer.
   */
  private handleHttp(req: IncomingMessage, res: ServerResponse): void {
    // A request target no URL can be made of (`GET //[`), refused before any route parses it.
    if (!URL.canParse(req.url ?? '/', 'http://gateway.invalid'))
      return sendJson(res, 400, { code: ErrorCode.INVALID_MESSAGE, message: 'the request target is not a URL path' });
    try {
      this.route(req, res)?.catch((err: unknown) => this.routeFailed(req, res, err));
    } catch (err) {
      this.routeFailed(req, res, err);
    }
  }

  /** Answers the request, or starts to: a promise for a route that answers later. */
  private route(req: IncomingMessage, res: ServerResponse): Promise<unknown> | void {
    if (this.options.httpRoutes?.(req, res)) return;
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === SIGN_IN_PATH) return this.signIn(req, res);
    if (path === ONSITE_PATH || path.startsWith(`${ONSITE_PATH}/`)) {
      const wsOrigin = this.url.replace(/\/$/, '');
      return serveOnsitePage(req, res, this.options.onsiteDir ?? defaultOnsiteDir(), wsOrigin);
    }
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, version: PROTOCOL_VERSION, clients: this.sessions.size }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  }

  private routeFailed(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (req.destroyed && (err as { code?: string }).code === 'ECONNRESET') return;
    this.log(`${req.method} ${req.url} from ${req.socket.remoteAddress}: ${ErrorCode.INTERNAL} ${(err as Error).message}`);
    if (res.headersSent) return void res.destroy();
    sendJson(res, 500, { code: ErrorCode.INTERNAL, message: 'the gateway could not answer: its log says why' });
  }

  /** `POST /auth/sign-in` (protocol/auth.ts): a JSON SignInRequest in, a credential or a coded refusal out. */
  private async signIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const peer = req.socket.remoteAddress ?? 'unknown';
    const body = await readJsonBody(req);
    if (!body.ok) return sendJson(res, body.status, { code: body.code, message: body.message });
    const result = await this.passwordSignIn.signIn(body.value, peer);
    sendJson(res, result.status, result.body);
  }

  private auditSignIn(entry: SignInAudit): void {
    if (entry.code === ErrorCode.SIGN_IN_THROTTLED) {
      // A try held back is no guess (no password was checked), and a peer that keeps trying
      // makes hundreds: one row per address and window, with a count (folded-repeats.ts).
      this.peerRefusals.report(entry.peer, entry.code, 'sign-in tried while held back', new Date(), { user: entry.userId, role: entry.role });
      return;
    }
    this.store.audit({
      sessionId: null,
      actor: entry.userId,
      role: entry.role,
      action: 'sign-in',
      decision: entry.decision,
      code: entry.code,
      detail: entry.detail ?? null,
      userId: entry.userId,
      peer: entry.peer,
    });
    this.log(`sign-in ${entry.userId ?? '?'} (${entry.role ?? '?'}) from ${entry.peer}: ${entry.decision}${entry.code ? ` ${entry.code}` : ''}`);
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const address = req.socket.remoteAddress ?? 'unknown';
    const session: ClientSession = {
      id: randomUUID(),
      ws,
      role: null,
      name: null,
      token: null,
      connectedAt: new Date().toISOString(),
      lastSeen: Date.now(),
      peer: req.socket.remoteAddress ?? null,
      helloBy: Date.now() + this.linkLimits.helloTimeoutMs,
      sendProgress: new SendProgress(req.socket, Date.now()),
    };
    // At the address's share, the oldest session that has said no hello makes room
    // (base/common/connection-roster.ts): sessions that only ping cannot keep a workstation out.
    const admission = this.addresses.admit(address, () =>
      this.sessions.refuse(session, ErrorCode.TOO_MANY_CONNECTIONS, `closed to make room: no hello yet, and ${address} is at its share of sessions`),
    );
    if ('full' in admission) {
      const reason = `more than ${this.linkLimits.connectionsPerAddress} connections from ${address}, each with a hello`;
      this.peerRefusals.report(address, ErrorCode.TOO_MANY_CONNECTIONS, reason);
      ws.send(JSON.stringify({ type: 'refused', code: ErrorCode.TOO_MANY_CONNECTIONS, reason: `too many connections from ${address}` }));
      closeRefused(ws, ErrorCode.TOO_MANY_CONNECTIONS);
      return;
    }
    if (admission.evicted)
      this.peerRefusals.report(
        address,
        ErrorCode.TOO_MANY_CONNECTIONS,
        `closed a session from ${address} that had said no hello, to make room (at most ${this.linkLimits.connectionsPerAddress} from one address)`,
      );
    session.rosterEntry = admission.entry;
    ws.once('close', () => this.addresses.closed(admission.entry));
    const rate = new MessageRate(this.linkLimits.messagesPerSecond, this.linkLimits.messageBurst);
    /**
     * Messages dropped over the rate in this overrun: drops less than a second apart, whatever
     * the rate lets through between them. The client is told at the first.
     */
    let dropped = 0;
    let lastDrop = -Infinity;
    this.sessions.add(session);
    if (ws.protocol !== SUBPROTOCOL) {
      this.sessions.refuse(session, ErrorCode.VERSION_MISMATCH, `subprotocol ${JSON.stringify(ws.protocol)} not supported; this gateway speaks ${SUBPROTOCOL}`);
    }
    ws.on('message', (data, isBinary) => {
      // A refused session is over (sessions.ts refuse): what it sends until its socket closes is
      // neither handled, answered nor audited, and does not keep it alive.
      if (session.refused) return;
      session.lastSeen = Date.now();
      // A client sends nothing on a link but its hello until it has its welcome: what it sends
      // once greeted proves the welcome arrived (resume-secrets.ts). One that sends without
      // waiting for the welcome proves nothing, and is held to the stricter rule.
      if (session.role !== null) session.answered = true;
      if (!rate.take(session.lastSeen)) {
        if (session.lastSeen - lastDrop > 1000) dropped = 0;
        lastDrop = session.lastSeen;
        this.refusals.report(session.id, ErrorCode.RATE_LIMITED, `more than ${this.linkLimits.messagesPerSecond} messages per second`);
        // Told once, not once a message: answering each would let a peer that never reads make
        // the gateway queue a reply for every message it floods. One that keeps on is cut off.
        if (++dropped === 1)
          return this.sessions.sendError(
            session,
            ErrorCode.RATE_LIMITED,
            `more than ${this.linkLimits.messagesPerSecond} messages per second: messages dropped`,
          );
        if (dropped > this.linkLimits.messageBurst)
          this.sessions.refuse(
            session,
            ErrorCode.RATE_LIMITED,
            `more than ${this.linkLimits.messagesPerSecond} messages per second, and ${this.linkLimits.messageBurst} more after being told`,
          );
        return;
      }
      if (isBinary) {
        this.refusals.report(session.id, ErrorCode.INVALID_MESSAGE, 'clients send text frames only');
        return this.sessions.sendError(session, ErrorCode.INVALID_MESSAGE, 'clients send text frames only');
      }
      this.receive(session, data.toString());
    });
    ws.on('error', (err) => {
      if ((err as { code?: string }).code === WS_FRAME_TOO_LARGE) {
        // ws has already closed this socket with 1009; keyed by address so a client that
        // reconnects and repeats is one row with a count.
        this.peerRefusals.report(
          address,
          ErrorCode.FRAME_TOO_LARGE,
          `${session.name ?? 'a client'} (${session.role ?? 'not greeted'}) sent a frame over ${MAX_CONTROL_FRAME_BYTES} bytes: closed with 1009 before it was buffered`,
        );
        return;
      }
      const wsCode = (err as { code?: string }).code;
      if (wsCode?.startsWith('WS_ERR_')) {
        // A frame that breaks RFC 6455 (invalid UTF-8, reserved bits, an unmasked frame, a bad
        // close code): ws has closed the socket with 1002 or 1007, which carry no code of ours;
        // the audit trail has it, folded by address.
        this.peerRefusals.report(
          address,
          ErrorCode.INVALID_MESSAGE,
          `${session.name ?? 'a client'} (${session.role ?? 'not greeted'}) broke the WebSocket protocol: ${wsCode} ${err.message}`,
        );
        return;
      }
      this.log(`session ${session.id}: socket error ${wsCode ?? err.message}`);
    });
    ws.on('close', () => this.leave(session));
  }

  /** Decode one control frame and route it; everything but ping and hello needs a hello first. */
  private receive(session: ClientSession, text: string): void {
    const decoded = decodeClientMessage(text);
    if (!decoded.ok) {
      if (session.role === null && decoded.code === ErrorCode.VERSION_MISMATCH) return this.sessions.refuse(session, decoded.code, decoded.message);
      this.refusals.report(session.id, decoded.code, decoded.message);
      return this.sessions.sendError(session, decoded.code, decoded.message);
    }
    const message = decoded.message;
    switch (message.type) {
      case 'ping':
        this.sessions.send(session, { type: 'pong', t: message.t });
        return;
      case 'hello':
        // A session that has said hello is never closed to make room for another.
        if (session.rosterEntry) this.addresses.established(session.rosterEntry);
        this.handshake
          .greet(session, message)
          .then(() => {
            // After the welcome (and any replay): chat, marks, proposals and plans to catch up on.
            if (session.role !== null) this.sessions.send(session, { type: 'collab.state', state: this.collabStateFor(session.role!) });
            // Then the exam's series, so a late joiner or a resumed link sees the whole exam.
            this.examImages.greeted(session);
          })
          // A hello the gateway failed to judge (its database, say) ends this session, not the process.
          .catch((err: unknown) => {
            this.log(`hello from ${session.peer ?? session.id}: ${ErrorCode.INTERNAL} ${(err as Error).message}`);
            this.sessions.refuse(session, ErrorCode.INTERNAL, 'the gateway could not check this sign-in: its log says why');
          });
        return;
      case 'collab':
        if (session.role === null) return this.sessions.sendError(session, ErrorCode.HELLO_REQUIRED, 'send hello before chat, marks or proposals');
        return this.collaboration.handle(session, message);
      case 'command':
        if (session.role === null) return this.sessions.sendError(session, ErrorCode.HELLO_REQUIRED, 'send hello before commands');
        return this.commands.command(session, message);
      case 'command.status':
        if (session.role === null) return this.sessions.sendError(session, ErrorCode.HELLO_REQUIRED, 'send hello before asking for command outcomes');
        return this.commands.commandStatus(session, message);
      case 'onsite':
        if (session.role === null) return this.sessions.sendError(session, ErrorCode.HELLO_REQUIRED, 'send hello before onsite actions');
        return this.onsite.action(session, message);
      case 'media.join':
      case 'media.leave':
      case 'media.state':
      case 'signal':
        if (session.role === null) return this.sessions.sendError(session, ErrorCode.HELLO_REQUIRED, 'send hello before joining media');
        return this.media.handle(session, message);
      case 'image.fetch': {
        if (session.role === null) return this.sessions.sendError(session, ErrorCode.HELLO_REQUIRED, 'send hello before fetching images');
        if (this.fetchRates.take(session)) return this.examImages.fetch(session, message);
        const reason = this.fetchRates.overRate('image fetches');
        this.audit(session, 'image.fetch', 'refused', ErrorCode.RATE_LIMITED, { reason });
        this.sessions.send(session, { type: 'image.fetch.result', id: message.id, queued: 0, unknown: [], code: ErrorCode.RATE_LIMITED, reason });
        return;
      }
    }
  }

  private leave(session: ClientSession): void {
    // Its refusals' counts are written now, while its name is still known, and not held for the window.
    this.refusals.end(session.id);
    this.sessions.remove(session.id);
    if (session.resumeSecret) this.resumeSecrets.sessionEnded(session.resumeSecret);
    this.examImages.sessionLeft(session);
    if (session.role === null || this.closing) return;
    this.audit(session, 'disconnect', 'observed', null);
    // The control holder's or an onsite console's leaving changes more than the participants.
    const more = this.control.holder?.sessionId === session.id || session.role === 'onsite';
    this.media.sessionLeft(session);
    this.control.sessionLeft(session);
    this.onsite.sessionLeft(session);
    if (more) this.publishSnapshot();
    else this.publishParticipant('left', session);
  }

  /**
   * The heartbeat-interval tick. A client's silence counts only from the gateway's last ping:
   * when this process did not run, it sent none, so that time is excused. A hello deadline is
   * not moved on: the hello, sent in time, is read before it is judged.
   */
  private checkLiveness(): void {
    const now = Date.now();
    const stalled = this.livenessStalls.stalledMs(now);
    if (stalled > 0)
      for (const session of this.sessions.values()) {
        session.lastSeen = Math.min(now, session.lastSeen + stalled);
        session.sendProgress?.excuse(stalled);
      }
    afterWaitingReads(() => {
      if (!this.closing) this.dropUnresponsiveClients(now);
    });
  }

  private dropUnresponsiveClients(now: number): void {
    this.onsite.checkAlive();
    const deadline = now - DEAD_AFTER_INTERVALS * this.heartbeatIntervalMs;
    for (const session of this.sessions.values()) {
      if (session.refused) continue; // closing already, and cut if its peer does not close it (sessions.ts)
      if (session.role === null && !session.greeting && session.helloBy !== undefined && now > session.helloBy) {
        const reason = `no hello within ${this.linkLimits.helloTimeoutMs} ms of connecting`;
        session.helloBy = undefined; // refused once: it closes
        this.peerRefusals.report(session.peer ?? 'unknown', ErrorCode.HELLO_TIMEOUT, reason);
        this.sessions.refuse(session, ErrorCode.HELLO_TIMEOUT, reason);
        continue;
      }
      const cut = this.sendCut(session, now);
      // A live link keeps its credential from idling out.
      if (session.credentialId && session.lastSeen >= deadline) this.credentials.touch(session.credentialId);
      if (session.lastSeen < deadline) {
        this.audit(session, 'heartbeat', 'lost', null, { silentMs: Date.now() - session.lastSeen });
        session.ws.terminate();
      } else if (cut) {
        // Terminated, not closed: a close frame would wait behind the very backlog it is to free.
        // The workstation reconnects and resumes as after any lost link (docs/architecture.md "Link health").
        this.audit(session, 'link', 'cut', ErrorCode.SEND_BACKLOG, { backlogBytes: session.ws.bufferedAmount, ...cut });
        session.ws.terminate();
      }
    }
  }

  /**
   * Why a client's link is cut for what waits for it, as the audit row's detail, or null. Asked
   * once a liveness tick, which SendProgress.behindMs counts on.
   */
  private sendCut(session: ClientSession, now: number): Record<string, number> | null {
    const waiting = session.ws.bufferedAmount;
    const notTakingMs = session.sendProgress?.stalledMs(now, waiting) ?? 0;
    const behindMs = session.sendProgress?.behindMs(now, waiting) ?? 0;
    const limitBytes = this.linkLimits.sendBacklogBytes + this.largestImageBytes;
    if (waiting > limitBytes) return { limitBytes };
    // Pinging but taking nothing: cut in time however small what waits (send-progress.ts).
    if (notTakingMs > this.linkLimits.sendStallMs) return { notTakingMs };
    // Taking a little now and then, and ever further behind: cut in time too.
    if (behindMs > this.linkLimits.sendLagMs) return { behindMs };
    return null;
  }

  /** Publishes one sequenced event to every greeted client; its sequence number, or null when it could not be sent. */
  private publish(body: Parameters<EventBuffer['append']>[0]): number | null {
    let event: BufferedEvent;
    try {
      event = this.events.append(body);
    } catch (err) {
      if (!(err instanceof LarmorError) || err.code !== ErrorCode.MESSAGE_UNDELIVERABLE) throw err;
      // The state changed but no client can be told: say so, in a notice that fits.
      this.store.audit({
        sessionId: null,
        actor: null,
        role: null,
        action: 'event',
        decision: 'not sent',
        code: err.code,
        detail: { kind: body.kind, reason: err.message },
      });
      this.log(`event not sent: ${err.code} ${err.message}`);
      if (body.kind !== 'notice') {
        this.notice('warning', `An update (${body.kind}) was too large to send to the workstations: what they show of it may be out of date`);
      }
      return null;
    }
    this.sessions.broadcast(event);
    if (body.kind === 'notice') this.noticeHistory.add(event);
    return event.seq;
  }

  private publishSnapshot(): void {
    this.collaboration.scannerChanged();
    this.collaboration.controlMayHaveChanged();
    this.publish({ kind: 'scanner', snapshot: this.snapshot() });
  }

  private publishParticipant(change: 'joined' | 'left', session: ClientSession): void {
    this.publish(
      change === 'joined' ? { kind: 'participant.joined', participant: participantOf(session) } : { kind: 'participant.left', sessionId: session.id },
    );
  }

  private audit(session: ClientSession, action: string, decision: string, code: string | null, detail?: unknown): void {
    if (code !== null && session.role !== null && FOLDED_REFUSALS.has(code)) {
      // A signed-in peer repeating what it may never do (an observer's commands, chat over the
      // rate, a signal to nobody) would otherwise write, and fsync, a row per message: the first
      // of each kind is written at once and in full, the rest counted in one row per window
      // (audit/folded-repeats.ts), written when the window or the session ends.
      const reason = (detail as { reason?: unknown } | undefined)?.reason;
      this.refusals.report(session.id, code, typeof reason === 'string' ? reason : `${action} ${decision}`, new Date(), { action, decision, detail });
      return;
    }
    // Who and from where have their own columns (user_id, peer), hash-chained like the rest (docs/audit-hash-chain.md).
    this.store.audit({
      sessionId: session.id,
      actor: session.name,
      role: session.role,
      action,
      decision,
      code,
      detail: detail ?? null,
      userId: session.userId ?? null,
      peer: session.peer ?? null,
    });
    this.log(`${session.name ?? session.id} (${session.role ?? 'unknown'}) ${action}: ${decision}${code ? ` ${code}` : ''}`);
  }
}
