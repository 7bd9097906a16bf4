import { EventEmitter } from 'node:events';
import {
  ImageFetchRequest,
  MAX_NOTICE_HISTORY,
  boundedParticipants,
  withParticipantChange,
  type ExamCatalogue,
  type ImageFetchOutcome,
} from '../../protocol/index.js';
import {
  ConnectRequest,
  ErrorCode,
  ImageChunkAssembler,
  LarmorError,
  decodeImageFrame,
  describeIssues,
  isMediaGatewayMessage,
  type ImageFrameHeader,
  type CollabEventBody,
  type CollabState,
  type CommandView,
  type GatewayMessage,
  type LinkView,
  type LogEntry,
  type MediaClientMessage,
  type MediaGatewayMessage,
  type PreviewImage,
  type ScannerCommand,
  type ScannerSnapshot,
  type WelcomeMessage,
  type WorkstationView,
} from '../../protocol/index.js';
import { type HealthThresholds, type HealthView, type MediaHealthView, type ReconnectPolicy } from '../../protocol/health.js';
import type { Random } from '../../base/common/random.js';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from '../../native-bridge/image-limits.js';
import type { Journal } from '../journal/journal.js';
import type { ResumePoint } from './gateway-link.js';
import { signInAtGateway } from './sign-in-client.js';
import { toLogEntry, type Activity } from './activity.js';
import { CommandRelay, type RelayChange } from './command-relay.js';
import { LinkSupervisor } from './link-supervisor.js';
import { JournalOutbox } from './outbox.js';
import { relayMediaMessage } from './media-signaling.js';
import type { LinkTls } from './link-tls.js';
import { CollabMirror } from './collab-mirror.js';
import { collabActivity } from './collab-activity.js';
import { earlierNotices } from './earlier-notices.js';
import type { CollabAction, CollabOutcome } from '../../protocol/index.js';

export interface WorkstationCoreEvents {
  /**
   * The whole view after a change: once for the changes made in one turn of the event loop (a
   * burst of events read together), at the end of it; a link change (connect, loss, welcome,
   * disconnect) at once. See publishState.
   */
  state: [WorkstationView];
  /**
   * The view's `health` alone, when only it changed (heartbeat figures twice a second, each pong
   * verdict): a window is sent this, not the whole view (docs/architecture.md "Pushes to the window").
   */
  health: [WorkstationView['health']];
  log: [LogEntry];
  activity: [Activity];
  image: [PreviewImage];
  /** An image frame taken (new number, decoded), for the recorder: its header and Part 10 bytes. */
  'image-received': [ImageFrameHeader, Uint8Array];
  /** An image frame asked for (image.fetch), decoded: its header (marked fetched) and Part 10 bytes. */
  'image-fetched': [ImageFrameHeader, Uint8Array];
  /** WebRTC room and signals from the gateway, for the renderer's peer connections. */
  media: [MediaGatewayMessage];
  /** Chat, marks, proposals, handover and contingency plans as they change. */
  collab: [CollabEventBody];
  /** What to catch up on after a welcome. */
  'collab-state': [CollabState];
  /** The exam's series the gateway holds, as it sent them (after each welcome and on series changes). */
  'exam-catalogue': [ExamCatalogue];
  /** The renderer's judgement of the call (no frames, ICE failed), for the link-health model. */
  'media-health': [{ health: 'ok' | 'degraded' | 'failed'; reason: string | null }];
}

/** What the image decoder makes of one binary frame (main/images/image-intake.ts). */
export type ImageDecodeResult =
  | { ok: true; seq: number; header: ImageFrameHeader; part10: Uint8Array; images: PreviewImage[] }
  | { ok: false; seq: number | null; code: string; message: string };

/** Binary frame -> preview images; may run elsewhere (a worker) and answer later. */
export type ImageDecoder = (frame: Uint8Array) => ImageDecodeResult | Promise<ImageDecodeResult>;

export interface WorkstationCoreOptions {
  /** Outbox and audit record; without it commands are still relayed, but not across a restart. */
  journal?: Journal | null;
  thresholds?: HealthThresholds;
  reconnect?: Partial<ReconnectPolicy>;
  /** Backoff jitter source (seeded in tests). */
  random?: Random;
  /** Resend an in-flight command after a reconnect only while younger than this (default COMMAND_RESEND_MAX_AGE_MS). */
  resendMaxAgeMs?: number;
  /** The machine policy's CA bundle and certificate pins, applied to every link and sign-in. */
  linkTls?: LinkTls;
  /** Image frames waiting for the decoder beyond which the link is not read (default IMAGE_BACKLOG_BYTES). */
  imageBacklogBytes?: number;
}

/**
 * Image frames taken but not yet decoded, in bytes, beyond which the core stops reading the
 * link until half of them are done. The gateway sends at most 64 MB of rebuilt images at once
 * on a resume (gateway/server/event-buffer.ts) and paces a catch-up, so a gateway that keeps
 * to its own limits never meets this; one that does not cannot fill the workstation's memory
 * faster than its decoder empties it. The wait goes to the gateway's send queue, whose limit
 * cuts a link that stays behind (gateway/server/link-limits.ts).
 */
const IMAGE_BACKLOG_BYTES = 128 * 1024 * 1024;
/** Room for a Part 10 file's attributes beside its pixel data, when its size is checked against a decoded-size limit. */
const PART10_ATTRIBUTE_BYTES = 1024 * 1024;
/**
 * Largest step ahead of the last number taken that an event or image may make on a live link.
 * The gateway numbers every event by one (docs/architecture.md "Wire protocol"); a session
 * skips numbers only for events it does not take (an image withheld from observers, a frame it
 * refused). Twice the events the gateway keeps for a resume (gateway/server/gateway.ts
 * EVENT_BUFFER_EVENTS, 5,000): a gap beyond was never to be replayed anyway, so the resync it
 * causes gets a fresh snapshot, not the same gap again.
 */
const MAX_SEQ_STEP = 10_000;
/** Notice numbers remembered (noticesTaken): twice what a notice history holds. */
const KEEP_NOTICES_TAKEN = 2 * MAX_NOTICE_HISTORY;
/** How long nothing must wait for the decoder before the log says the workstation caught up. */
const CAUGHT_UP_QUIET_MS = 1000;

const DISCONNECTED: LinkView = { status: 'disconnected', url: null, role: null, name: null, sessionId: null, error: null, policy: null };

/**
 * The workstation's core, in plain Node: a supervised link to one site (primary and secondary
 * routes), the command relay with its outbox, the scanner-state mirror with resume, and the
 * activity stream. The Electron shell, the browser shell and the headless recorder are all thin
 * adapters around it.
 */
export class WorkstationCore extends EventEmitter<WorkstationCoreEvents> {
  private readonly supervisor: LinkSupervisor;
  private readonly journal: Journal | null;
  /** Stops hearing of the journal's writes (dispose): a desk's journal outlives the cores it drops. */
  private readonly unwatchJournal: () => void;
  private readonly linkTls: LinkTls | undefined;
  private linkView: LinkView = DISCONNECTED;
  private health: HealthView;
  private mediaHealth: MediaHealthView | null = null;
  /**
   * The call's health as the panes report it while their join waits for the gateway's answer.
   * It becomes the call's health when the room that brings this session arrives; a refused join
   * (the call already full: docs/architecture.md "Wire protocol") leaves this window out of
   * the call, which is then neither working nor lost.
   */
  private joiningMedia: { health: MediaHealthView['health']; reason: string | null } | null = null;
  private snapshot: ScannerSnapshot | null = null;
  private lastSeq = 0;
  /** The gateway boot `lastSeq` counts in (from its welcome): numbering restarts with each boot. */
  private bootId: string | null = null;
  /**
   * The `seq` of the notices of this boot already logged, the newest KEEP_NOTICES_TAKEN, for the
   * notice history after a fresh welcome: it holds at most MAX_NOTICE_HISTORY of the boot's last,
   * so none of them is older than these. Told by number, not by the resume point, which a bogus
   * number a step ahead (acceptSeq lets one through) may have pushed past the gateway's own.
   */
  private readonly noticesTaken = new Set<number>();
  /**
   * The `seq` of the alarms of this boot already logged, the newest MAX_NOTICE_HISTORY: the
   * history also holds the alarms no one has seen, however old (gateway/server/notice-history.ts),
   * and one logged before would otherwise be raised on the desk a second time.
   */
  private readonly alarmsTaken = new Set<number>();
  /** From the last welcome: presented at the next reconnect to take back this session's control. */
  private resumeSecret: string | null = null;
  private imageDecoder: ImageDecoder | null = null;
  /** Decoded images are applied in arrival order even when a worker answers out of order. */
  private imageTail: Promise<void> = Promise.resolve();
  private imagesPending = 0;
  /** Bytes of the frames counted in imagesPending: what the link is held on (IMAGE_BACKLOG_BYTES). */
  private imageBytesPending = 0;
  private readonly imageBacklogBytes: number;
  /** From the first hold until every frame waiting has been decoded for a while: what the log reports, once. */
  private behind = false;
  private caughtUp: NodeJS.Timeout | null = null;
  /** Images larger than one WebSocket message arrive in chunks; whole ones are sequenced. */
  private imageChunks = this.chunkAssembler(DEFAULT_IMAGE_LIMITS);
  /**
   * After a welcome that replays (mode 'replay'), until the first new number: numbers already
   * seen are dropped quietly. Anywhere else a number at or below lastSeq is out of step.
   */
  private replaying = false;
  private connectAttempt = 0;
  /** The open exam's series the gateway holds (its last `exam.catalogue`, plus live images since). */
  private catalogue: ExamCatalogue | null = null;
  /** image.fetch requests waiting for their answer, by id. */
  private readonly fetches = new Map<string, { resolve: (outcome: ImageFetchOutcome) => void; reject: (err: Error) => void }>();
  private fetchCount = 0;
  /** The `state` emit waiting for the end of this turn of the event loop (publishState), or null. */
  private statePending: NodeJS.Immediate | null = null;
  readonly relay: CommandRelay;
  /** The collaboration desk as this workstation sees it (docs/architecture.md "Collaboration"). */
  private readonly collab = new CollabMirror({
    send: (message) => this.supervisor.send(message),
    refusal: () =>
      this.refusal() ? { code: ErrorCode.LINK_DOWN, reason: 'the link to the gateway is down: nothing was sent; send it again once the link is back' } : null,
    changed: () => this.publishState(),
  });

  constructor(options: WorkstationCoreOptions = {}) {
    super();
    this.journal = options.journal ?? null;
    this.linkTls = options.linkTls;
    this.imageBacklogBytes = options.imageBacklogBytes ?? IMAGE_BACKLOG_BYTES;
    this.supervisor = new LinkSupervisor({
      thresholds: options.thresholds,
      reconnect: options.reconnect,
      random: options.random,
      linkTls: options.linkTls,
      resumeFrom: (): ResumePoint | undefined =>
        this.snapshot && this.bootId !== null
          ? { seq: this.lastSeq, bootId: this.bootId, ...(this.resumeSecret ? { secret: this.resumeSecret } : {}) }
          : undefined,
    });
    this.health = this.supervisor.view();
    this.relay = new CommandRelay(
      {
        refusal: () => this.refusal(),
        target: () => this.supervisor.siteUrl,
        send: (id, command) => this.supervisor.send({ type: 'command', id, command }),
        lookup: (ids) => this.supervisor.send({ type: 'command.status', ids }),
      },
      (change) => this.commandChanged(change),
      this.journal ? new JournalOutbox(this.journal) : undefined,
      { resendMaxAgeMs: options.resendMaxAgeMs },
    );
    this.unwatchJournal =
      this.journal?.onWriteState((change) =>
        this.record({
          type: 'journal',
          at: now(),
          state: change.state,
          code: change.state === 'failing' ? change.code : null,
          reason: change.state === 'failing' ? change.message : null,
          lostRows: change.lostRows,
        }),
      ) ?? (() => undefined);
    this.wireSupervisor();
  }

  /**
   * Installed by the image intake (docs/architecture.md "The image's path"): turns binary frames
   * into preview images. `limits` are the decoder's: a chunked image larger than any object it
   * would decode is refused from its first chunk's header.
   */
  setImageDecoder(decoder: ImageDecoder, limits: Pick<ImageLimits, 'maxObjectBytes'> = DEFAULT_IMAGE_LIMITS): void {
    this.imageDecoder = decoder;
    this.imageChunks = this.chunkAssembler(limits);
  }

  /**
   * The assembler of chunked images, refusing a Part 10 file that cannot be an object within
   * `maxObjectBytes` decoded: its attributes and any encapsulation (RLE adds at most one byte
   * in 128, PS3.5 G.3.1) are allowed for beside the pixels. An unfinished image dropped because
   * another began is logged with its code, as any image refused.
   */
  private chunkAssembler(limits: Pick<ImageLimits, 'maxObjectBytes'>): ImageChunkAssembler {
    const part10Bytes = limits.maxObjectBytes + Math.ceil(limits.maxObjectBytes / 64) + PART10_ATTRIBUTE_BYTES;
    return new ImageChunkAssembler(part10Bytes, (err) => this.applyImage({ ok: false, seq: null, code: err.code, message: err.message }));
  }

  view(): WorkstationView {
    return {
      link: { ...this.linkView },
      snapshot: this.snapshot,
      commands: this.relay.recent().map((c) => ({ ...c })),
      health: { ...this.health, media: this.mediaHealth },
      exam: this.catalogue,
      collab: this.collab.view(),
    };
  }

  /** The link as the view shows it, without building a whole view (a desk reads it per chat line). */
  get link(): Readonly<WorkstationView['link']> {
    return this.linkView;
  }

  get lastEventSeq(): number {
    return this.lastSeq;
  }

  /** The gateway boot its event numbers count in (from the last welcome); null before one. */
  get gatewayBootId(): string | null {
    return this.bootId;
  }

  /** Resolves once the gateway welcomed us; rejects with a LarmorError when refused or unreachable. */
  connect(request: unknown): Promise<WelcomeMessage> {
    const parsed = ConnectRequest.safeParse(request);
    if (!parsed.success) return Promise.reject(new LarmorError(ErrorCode.INVALID_PARAMETER, describeIssues(parsed.error.issues)));
    const { secondaryUrl, user, password, totp, ...rest } = parsed.data;
    const name = rest.name ?? user;
    if (!name) return Promise.reject(new LarmorError(ErrorCode.INVALID_PARAMETER, 'enter your user name'));
    this.snapshot = null;
    this.lastSeq = 0;
    this.bootId = null;
    this.resumeSecret = null;
    this.catalogue = null;
    this.setLink({ status: 'connecting', url: rest.url, role: rest.role, name, sessionId: null, error: null, policy: null });
    const attempt = ++this.connectAttempt;
    // Sign in over HTTP(S) first; only the session credential is kept, for reconnects.
    const signedIn =
      user && password
        ? signInAtGateway(rest.url, { user, password, role: rest.role, ...(totp ? { totp } : {}) }, this.linkTls).then((s) => ({
            ...rest,
            name: s.user.displayName,
            session: s.credential,
          }))
        : Promise.resolve({ ...rest, name });
    return signedIn
      .then((target) => {
        if (attempt !== this.connectAttempt) throw new LarmorError(ErrorCode.LINK_DOWN, 'superseded by a newer connect');
        return this.supervisor.start(target, secondaryUrl);
      })
      .catch((err: LarmorError) => {
        // A connect superseded by a newer one (or a disconnect) must not overwrite its link view.
        if (attempt === this.connectAttempt && this.linkView.status === 'connecting')
          this.setLink({ ...this.linkView, status: 'refused', error: { code: err.code, message: err.message } });
        throw err;
      });
  }

  /** Disconnects and lets go of the journal (a site dropped from the desk); the core is not used again. */
  dispose(): void {
    if (this.linkView.status !== 'disconnected') this.disconnect();
    this.unwatchJournal();
  }

  disconnect(): void {
    this.connectAttempt++;
    this.supervisor.stop(null);
    this.failFetches(ErrorCode.LINK_DOWN, 'disconnected');
    this.relay.giveUp(ErrorCode.OUTCOME_UNKNOWN, 'disconnected by the user before the gateway answered: the outcome is asked for again at the next connection');
    this.collab.clear();
    // Emits the disconnected view at once, collaboration cleared: nothing is left to emit after it.
    this.setLink({ ...DISCONNECTED });
  }

  /**
   * Resolves once every image frame taken so far has been decoded and applied (emitted, or
   * recorded as refused): what a headless client waits for before it closes its files.
   */
  imagesSettled(): Promise<void> {
    return this.imageTail;
  }

  /** Resolves with the final outcome; refused at once (LINK_DOWN, with why) while the link is down. */
  sendCommand(command: ScannerCommand): Promise<CommandView> {
    return this.relay.send(command);
  }

  /** Chat, marks, proposals, handover: resolves with the gateway's outcome (a refusal carries its code); never rejects. */
  sendCollab(action: CollabAction): Promise<CollabOutcome> {
    return this.collab.send(action);
  }

  /**
   * One activity: journalled, then told. `journalled` is false when the outbox row written by
   * the relay already is the durable record (a sent command, a gateway ack): one fsync, not two.
   */
  record(activity: Activity, journalled = false): void {
    if (!journalled) this.journal?.record(activity);
    this.emit('activity', activity);
    const entry = toLogEntry(activity);
    if (entry) this.emit('log', entry);
  }

  // ------------------------------------------------------------------ link

  private wireSupervisor(): void {
    const s = this.supervisor;
    s.on('welcome', ({ welcome, route, resume }) => this.welcomed(welcome, route, resume));
    s.on('message', (message) => this.receive(message));
    s.on('binary', (frame) => this.receiveImage(frame));
    s.on('protocol-error', (e) => this.record({ type: 'protocol-error', at: now(), ...e }));
    s.on('transition', (t) => this.record(t));
    s.on('reconnect-refused', (r) => this.record({ type: 'reconnect-refused', at: now(), ...r }));
    s.on('health', (view) => {
      this.health = view;
      this.emit('health', { ...this.health, media: this.mediaHealth });
    });
    s.on('down', ({ code, reason }) => {
      this.failFetches(code, reason);
      // In-flight commands stay in flight: resent (or looked up, when too old) after the reconnect.
      this.setLink({ ...this.linkView, status: 'lost', error: { code, message: reason } });
      this.collab.linkLost(reason);
    });
    s.on('failed', ({ code, reason }) => {
      this.relay.giveUp(
        ErrorCode.RECONNECT_EXHAUSTED,
        `the link could not be restored (${code}: ${reason}); the outcome is asked for again at the next connection`,
      );
      this.setLink({ ...this.linkView, status: 'lost', error: { code, message: reason } });
    });
  }

  private welcomed(welcome: WelcomeMessage, route: string, resume: ResumePoint | undefined): void {
    // A chunked image cut by the link is replayed whole after the resume (its number was not taken).
    this.imageChunks.reset();
    this.replaying = resume !== undefined && welcome.bootId === resume.bootId && welcome.lastSeq === resume.seq;
    if (resume === undefined || welcome.bootId !== resume.bootId) {
      this.noticesTaken.clear();
      this.alarmsTaken.clear();
    }
    if (resume === undefined) {
      this.takeSnapshot(welcome);
      this.record({ type: 'scanner', at: now(), state: welcome.snapshot.state, seq: welcome.lastSeq, activeSequence: activeName(welcome.snapshot) });
    } else if (welcome.bootId !== resume.bootId) {
      // Another gateway process: its numbers are not ours to compare; it sent a fresh snapshot.
      this.takeSnapshot(welcome);
      this.record({ type: 'resume', at: now(), mode: 'restarted', fromSeq: resume.seq, gatewaySeq: welcome.lastSeq });
    } else if (welcome.lastSeq === resume.seq) {
      // The gateway replays what we missed right after the welcome.
      this.record({ type: 'resume', at: now(), mode: 'replay', fromSeq: resume.seq, gatewaySeq: welcome.lastSeq });
    } else {
      // A gap older than the gateway keeps: a fresh snapshot instead of a replay.
      this.takeSnapshot(welcome);
      this.record({ type: 'resume', at: now(), mode: 'snapshot', fromSeq: resume.seq, gatewaySeq: welcome.lastSeq });
    }
    this.setLink({
      ...this.linkView,
      status: 'connected',
      url: route === 'secondary' ? (this.health.url ?? this.linkView.url) : this.linkView.url,
      sessionId: welcome.session.id,
      policy: welcome.policy,
      error: null,
    });
    // Commands whose outcome is unknown: young ones go again, the rest are asked about, oldest
    // first, before anything new can be sent.
    this.relay.recoverUnsettled();
  }

  private takeSnapshot(welcome: WelcomeMessage): void {
    this.snapshot = boundedParticipants(welcome.snapshot, welcome.session.id);
    this.lastSeq = welcome.lastSeq;
    this.bootId = welcome.bootId;
    this.resumeSecret = welcome.resumeSecret ?? null;
  }

  private refusal(): { code: string; reason: string } | null {
    const phase = this.supervisor.currentPhase;
    if (phase === 'live') return null;
    const h = this.health;
    switch (phase) {
      case 'reconnecting':
        return {
          code: ErrorCode.LINK_DOWN,
          reason: `link lost${h.outageSince ? ` since ${h.outageSince.slice(11, 19)}` : ''}, reconnecting (attempt ${h.reconnect?.attempt ?? 0}): scanner commands are not queued while the link is down; send it again once the link is back`,
        };
      case 'failed':
        return {
          code: ErrorCode.LINK_DOWN,
          reason: `link lost and not restored (${h.cause?.code ?? 'unknown'}): reconnect, or follow the site fallback instructions`,
        };
      case 'connecting':
        return { code: ErrorCode.LINK_DOWN, reason: 'still connecting to the gateway: the command was not sent' };
      default:
        return { code: ErrorCode.LINK_DOWN, reason: 'not connected to the gateway: the command was not sent' };
    }
  }

  private commandChanged(change: RelayChange): void {
    const v = change.view;
    const name = v.command.name;
    // The outbox row is the journal record of a sent command and of the gateway's answer.
    const inOutbox = this.journal !== null;
    switch (change.kind) {
      case 'sent':
        this.record({ type: 'command', at: v.sentAt, id: v.id, name }, inOutbox);
        break;
      case 'resent':
        this.record({ type: 'resend', at: now(), id: v.id, name, sends: change.sends }, inOutbox);
        break;
      case 'lookup':
        this.record({ type: 'lookup', at: now(), id: v.id, name, why: change.why });
        break;
      case 'refused':
      case 'settled':
      case 'recovered': {
        const fromGateway = change.kind === 'recovered' || (change.kind === 'settled' && change.by === 'gateway');
        this.record(
          {
            type: 'ack',
            at: v.settledAt ?? now(),
            id: v.id,
            name,
            outcome: v.state,
            code: v.code,
            reason: v.reason,
            ...(change.kind === 'recovered' ? { recovered: true } : {}),
          },
          inOutbox && fromGateway,
        );
        break;
      }
    }
    this.publishState();
  }

  // ------------------------------------------------------------------ events and images

  /**
   * Decide whether a sequenced item (event or image) is new. The gateway numbers events one by
   * one for the life of its process and replays from the number asked for (docs/architecture.md
   * "Wire protocol", "Resume"), so on a live link a number either follows the last one taken or
   * skips a few this session does not take. Numbers at or below lastSeq right after a replaying
   * welcome were seen already (a replay overlapping what arrived before the cut): dropped
   * quietly. A number far ahead (MAX_SEQ_STEP), or one going back anywhere else, is not the
   * gateway's numbering: taking it would make every later event look seen and be dropped
   * without a word. It is logged with its code, not taken, and the link is dropped and resumed
   * from the last number taken, as after any lost link, so a gateway that numbered sanely
   * replays what followed (or sends a fresh snapshot). A restarted gateway is told apart by its
   * welcome's bootId, never by its numbers.
   */
  private acceptSeq(seq: number): boolean {
    if (seq > this.lastSeq && seq - this.lastSeq <= MAX_SEQ_STEP) {
      this.lastSeq = seq;
      this.replaying = false;
      return true;
    }
    if (seq <= this.lastSeq && this.replaying) return false;
    const why =
      seq > this.lastSeq
        ? `event number ${seq} is ${seq - this.lastSeq} ahead of the last taken (${this.lastSeq}), more than the gateway can have skipped`
        : `event number ${seq} is not after the last taken (${this.lastSeq}) and no replay is under way`;
    const reason = `${why}: not taken; the link is dropped and resumed from ${this.lastSeq}`;
    this.record({ type: 'protocol-error', at: now(), code: ErrorCode.EVENT_NUMBER_OUT_OF_STEP, message: reason });
    this.supervisor.resync(ErrorCode.EVENT_NUMBER_OUT_OF_STEP, reason);
    return false;
  }

  private noticeTaken(seq: number, alarm: boolean): void {
    this.noticesTaken.add(seq);
    if (this.noticesTaken.size > KEEP_NOTICES_TAKEN) this.noticesTaken.delete(this.noticesTaken.values().next().value!);
    if (!alarm) return;
    this.alarmsTaken.add(seq);
    if (this.alarmsTaken.size > MAX_NOTICE_HISTORY) this.alarmsTaken.delete(this.alarmsTaken.values().next().value!);
  }

  /** Sends the renderer's WebRTC signaling on the current link. */
  sendMedia(message: MediaClientMessage): void {
    // Until the gateway answers a join, the panes' judgement waits with it (noteMediaAnswer).
    if (message.type === 'media.join' || (message.type === 'media.state' && this.joiningMedia))
      this.joiningMedia = { health: message.state.health, reason: message.state.healthReason };
    else if (message.type === 'media.state') this.noteMediaHealth(message.state.health, message.state.healthReason);
    else if (message.type === 'media.leave') {
      this.joiningMedia = null;
      this.noteMediaHealth(null, null);
    }
    relayMediaMessage((m) => this.supervisor.send(m), message);
  }

  /** The gateway's answer to a join: the room with this session in it, or a refusal. */
  private noteMediaAnswer(message: MediaGatewayMessage): void {
    if (message.type === 'media.room' && this.joiningMedia && message.members.some((m) => m.sessionId === message.self)) {
      const { health, reason } = this.joiningMedia;
      this.joiningMedia = null;
      this.noteMediaHealth(health, reason);
    } else if (message.type === 'media.refused') {
      this.joiningMedia = null;
      this.record({ type: 'media-refused', at: now(), code: message.code, reason: message.reason });
      this.noteMediaHealth(null, null);
    }
  }

  /** Fold the call's health (as the panes judge it) into the link-health view and the log. */
  private noteMediaHealth(health: MediaHealthView['health'] | null, reason: string | null): void {
    if (health === (this.mediaHealth?.health ?? null) && reason === (this.mediaHealth?.reason ?? null)) return;
    const at = now();
    this.mediaHealth = health === null ? null : { health, reason, since: health === this.mediaHealth?.health ? this.mediaHealth.since : at };
    this.emit('media-health', { health: health ?? 'ok', reason });
    if (health !== null) this.record({ type: 'media-health', at, health, reason });
    this.publishState();
  }

  private receive(message: GatewayMessage): void {
    if (isMediaGatewayMessage(message)) {
      this.noteMediaAnswer(message);
      this.emit('media', message);
      return;
    }
    switch (message.type) {
      case 'ack':
        if (this.collab.acknowledge(message)) return;
        this.relay.acknowledge(message);
        return;
      case 'command.status.result':
        this.relay.applyStatus(message);
        return;
      case 'event': {
        const body = message.body;
        const before = this.snapshot;
        if (!this.acceptSeq(message.seq)) return; // replayed after a resume (already seen), or out of step
        const detail = body.kind === 'scanner' ? { state: body.snapshot.state } : body.kind === 'notice' ? { level: body.level, text: body.text } : {};
        const eventRecord = { type: 'event', at: message.at, seq: message.seq, kind: body.kind, ...detail };
        this.journal?.record(eventRecord);
        if (body.kind === 'scanner') {
          this.snapshot = boundedParticipants(body.snapshot, this.linkView.sessionId);
          if ((before?.exam?.studyUid ?? null) !== (body.snapshot.exam?.studyUid ?? null)) this.collab.examChanged(body.snapshot.exam?.studyUid ?? null);
          if (before?.state !== body.snapshot.state || before?.activeSequenceId !== body.snapshot.activeSequenceId) {
            this.record({ type: 'scanner', at: message.at, state: body.snapshot.state, seq: message.seq, activeSequence: activeName(body.snapshot) });
          }
          this.publishState();
        } else if (body.kind === 'participant.joined' || body.kind === 'participant.left') {
          if (this.snapshot) this.snapshot = boundedParticipants(withParticipantChange(this.snapshot, body), this.linkView.sessionId);
          this.publishState();
        } else if (body.kind === 'notice') {
          this.noticeTaken(message.seq, body.alarm !== undefined);
          this.record({ type: 'notice', at: message.at, level: body.level, text: body.text, seq: message.seq, ...(body.alarm ? { alarm: body.alarm } : {}) });
        } else {
          // Chat, marks, proposals, handover and plans: the collaboration view keeps them.
          this.emit('collab', body);
          this.collab.apply(body);
          const activity = collabActivity(message.at, message.seq, body, this.snapshot);
          // The event row above is the journal's record of it.
          if (activity) this.record(activity, true);
        }
        return;
      }
      case 'notice.history':
        for (const activity of earlierNotices(message, (seq) => this.noticesTaken.has(seq) || this.alarmsTaken.has(seq))) {
          this.noticeTaken(activity.seq, activity.alarm !== undefined);
          this.record(activity);
        }
        return;
      case 'collab.state':
        this.emit('collab-state', message.state);
        this.collab.reset(message.state);
        return;
      case 'exam.catalogue':
        this.catalogue = message.catalogue;
        this.emit('exam-catalogue', message.catalogue);
        this.publishState();
        return;
      case 'image.fetch.result': {
        const pending = this.fetches.get(message.id);
        this.fetches.delete(message.id);
        pending?.resolve({ queued: message.queued, unknown: message.unknown, code: message.code, reason: message.reason });
        return;
      }
      case 'error':
        this.record({ type: 'protocol-error', at: now(), code: message.code, message: message.message });
        return;
      default:
        return;
    }
  }

  /**
   * The number is taken when the frame arrives, before it is decoded, so that events after it
   * are not mistaken for a replay while a worker decodes; results are applied in arrival order.
   */
  private receiveImage(chunk: Uint8Array): void {
    const decoder = this.imageDecoder;
    if (decoder === null) return;
    let seq: number;
    let frame: Uint8Array | null;
    let fetched: boolean;
    try {
      frame = this.imageChunks.add(chunk);
      if (frame === null) {
        // More parts to come. Only while frames wait for the decoder can reading be held: a
        // decoded one is what reads it again, and the parts are what complete this image.
        if (this.imagesPending > 0 && this.backlogBytes() >= this.imageBacklogBytes) this.holdIntake(true);
        return;
      }
      const header = decodeImageFrame(frame).header;
      seq = header.seq;
      fetched = header.fetched === true;
    } catch (err) {
      this.applyImage({ ok: false, seq: null, code: (err as { code?: string }).code ?? ErrorCode.INTERNAL, message: (err as Error).message });
      return;
    }
    // A fetched image (image.fetch) keeps the number it had live: it is not sequenced at all.
    if (!fetched && !this.acceptSeq(seq)) return; // replayed after a resume (already seen), or out of step
    // Counted before the decoder takes the frame: its memory may move to a worker (decode-pool.ts).
    const bytes = frame.byteLength;
    const result = decoder(frame);
    if (!(result instanceof Promise) && this.imagesPending === 0) {
      this.applyImage(result);
      return;
    }
    this.imagesPending++;
    this.imageBytesPending += bytes;
    if (this.backlogBytes() >= this.imageBacklogBytes) this.holdIntake(true);
    const settled = Promise.resolve(result).catch((err: unknown): ImageDecodeResult => ({
      ok: false,
      seq,
      code: (err as { code?: string }).code ?? ErrorCode.INTERNAL,
      message: (err as Error).message,
    }));
    this.imageTail = this.imageTail.then(async () => {
      this.applyImage(await settled);
      this.imagesPending--;
      this.imageBytesPending -= bytes;
      if (this.imagesPending === 0 || this.backlogBytes() <= this.imageBacklogBytes / 2) this.holdIntake(false);
      if (this.behind && this.imagesPending === 0 && this.caughtUp === null) {
        this.caughtUp = setTimeout(() => {
          this.caughtUp = null;
          if (this.imagesPending !== 0 || this.supervisor.isReadingHeld) return; // behind again: the same episode
          this.behind = false;
          this.record({ type: 'image-backlog', at: now(), held: false, waitingBytes: 0 });
        }, CAUGHT_UP_QUIET_MS);
        this.caughtUp.unref();
      }
    });
  }

  /**
   * Stops reading the link while the decoder is behind (IMAGE_BACKLOG_BYTES), or reads it again.
   * A flood holds and releases it every half budget; the log says once that images wait, and once
   * that every one has been taken and none waited for CAUGHT_UP_QUIET_MS.
   */
  private holdIntake(held: boolean): void {
    if (held === this.supervisor.isReadingHeld) return;
    this.supervisor.holdReading(held);
    if (!held || this.behind) return;
    this.behind = true;
    this.record({ type: 'image-backlog', at: now(), held: true, waitingBytes: this.backlogBytes() });
  }

  /** What the link is held on: frames waiting for the decoder, and the chunked image still arriving. */
  private backlogBytes(): number {
    return this.imageBytesPending + this.imageChunks.heldBytes;
  }

  private applyImage(result: ImageDecodeResult): void {
    if (!result.ok) {
      this.record({ type: 'image-error', at: now(), seq: result.seq, code: result.code, message: result.message });
      return;
    }
    const { header, part10 } = result;
    if (header.fetched) {
      // Asked for, not new: shown, but neither recorded nor counted as received.
      this.emit('image-fetched', header, part10);
      for (const image of result.images) this.emit('image', image);
      return;
    }
    this.noteLiveImage(header, result.images[0]);
    this.emit('image-received', header, part10);
    this.record({
      type: 'image',
      at: now(),
      seq: header.seq,
      sopInstanceUid: header.sopInstanceUid,
      seriesUid: header.seriesUid,
      transferSyntaxUid: header.transferSyntaxUid,
      bytes: part10.length,
      source: header.source,
    });
    for (const image of result.images) this.emit('image', image);
  }

  /**
   * Ask the gateway for held images of the open exam (docs/architecture.md "The image's path").
   * Resolves when the gateway has queued them; the images arrive as `image` events marked fetched.
   */
  fetchImages(request: unknown): Promise<ImageFetchOutcome> {
    const parsed = ImageFetchRequest.safeParse(request);
    if (!parsed.success) return Promise.reject(new LarmorError(ErrorCode.INVALID_PARAMETER, describeIssues(parsed.error.issues)));
    const id = `fetch-${++this.fetchCount}`;
    if (!this.supervisor.send({ type: 'image.fetch', id, request: parsed.data })) {
      return Promise.reject(new LarmorError(ErrorCode.LINK_DOWN, 'not connected to the gateway: images cannot be fetched now'));
    }
    return new Promise((resolve, reject) => this.fetches.set(id, { resolve, reject }));
  }

  private failFetches(code: string, reason: string): void {
    for (const pending of this.fetches.values())
      pending.reject(new LarmorError(ErrorCode.LINK_DOWN, `the link went down before the gateway answered the fetch (${code}: ${reason})`));
    this.fetches.clear();
  }

  /**
   * A live image joins the catalogue at once (the gateway re-sends it only when a series begins,
   * changes status or is dropped). Not published on its own: the next state push carries it.
   */
  private noteLiveImage(header: ImageFrameHeader, image: PreviewImage | undefined): void {
    if (this.catalogue === null) return;
    const known = this.catalogue.series.find((s) => s.seriesUid === header.seriesUid);
    if (known?.sopInstanceUids.includes(header.sopInstanceUid)) return;
    const entry = known ?? {
      seriesUid: header.seriesUid,
      seriesNumber: image?.seriesNumber ?? null,
      description: image?.seriesDescription ?? '',
      status: 'receiving' as const,
      imageCount: 0,
      imagesExpected: header.imagesInSeries,
      sopInstanceUids: [],
      thumbnail: null,
    };
    const sopInstanceUids = [...entry.sopInstanceUids, header.sopInstanceUid];
    const updated = { ...entry, sopInstanceUids, imageCount: sopInstanceUids.length };
    // A new object each time: views already handed out are never changed under their holders.
    this.catalogue = { ...this.catalogue, series: known ? this.catalogue.series.map((s) => (s === known ? updated : s)) : [...this.catalogue.series, updated] };
  }

  /** The image decoder installed on this core, so a desk can give every core the same pool. */
  get installedImageDecoder(): ImageDecoder | null {
    return this.imageDecoder;
  }

  private setLink(view: LinkView): void {
    const changed = view.status !== this.linkView.status;
    this.linkView = view;
    if (changed)
      this.record({ type: 'link', at: now(), status: view.status, url: view.url, code: view.error?.code ?? null, reason: view.error?.message ?? null });
    // A link change is rare (each is a connect, a loss or a welcome) and is shown at once, after its log entry.
    this.emitState();
  }

  /**
   * The view changed. Its `state` is emitted once the events read with this one have all been
   * applied (setImmediate runs after this turn's I/O callbacks), built then: a burst of events
   * in one read costs one view and one emit, not one each, and listeners get the newest view,
   * which holds every change (docs/architecture.md "Pushes to the window": a view is
   * latest-wins). Health figures and log entries are not delayed: they have events of their own,
   * and the view emitted after them carries the same health. `view()` is current at any time.
   */
  private publishState(): void {
    this.statePending ??= setImmediate(() => this.emitState());
  }

  /** Emits the newest view now, in place of one waiting. */
  private emitState(): void {
    if (this.statePending !== null) clearImmediate(this.statePending);
    this.statePending = null;
    this.emit('state', this.view());
  }
}

function now(): string {
  return new Date().toISOString();
}

function activeName(snapshot: ScannerSnapshot): string | null {
  return snapshot.queue.find((s) => s.id === snapshot.activeSequenceId)?.name ?? null;
}
