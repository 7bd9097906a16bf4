import {
  ErrorCode,
  LATER_REFUSALS,
  MAX_DISPLAY_NAME_CHARS,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  SIGN_IN_PATH,
  SignInRefusal,
  SignInResponse,
  SUBPROTOCOL,
  decodeGatewayMessage,
  ExamMarks,
  ExamTalk,
  isMediaGatewayMessage,
  boundedParticipants,
  withParticipantChange,
  type AckMessage,
  type CollabAction,
  type CollabEventBody,
  type CollabState,
  type ContingencyPlan,
  type CredentialLevel,
  type ExamCatalogue,
  type GatewayMessage,
  type LinkPolicy,
  type NoticeAlarm,
  type NoticeEventMessage,
  type NoticeSeen,
  type OnsiteAction,
  type Participant,
  type ScannerSnapshot,
} from '../../protocol/index.js';
import type { MediaClientMessage, MediaGatewayMessage } from '../../protocol/signaling.js';
import { startHeartbeatClock, type HeartbeatClock } from './heartbeat-clock.js';
import { OnsiteImageReader, type OnsiteImageArrival } from './image-reader.js';
import { imagesToShowOnJoin } from './join-images.js';
import { exceedsFrameLimit } from './frame-limit.js';
import { OnsiteNotices, keptText } from './onsite-notices.js';
import { ViewPacer } from './view-pacer.js';

type OnsiteLinkStatus = 'connecting' | 'connected' | 'lost' | 'refused';

export interface OnsiteNotice {
  /** The gateway boot `seq` counts in: numbering restarts with each boot. */
  boot: string;
  seq: number;
  at: string;
  level: 'info' | 'warning' | 'alarm';
  text: string;
  /** Which safety-rule alarm it is, when it is one. */
  alarmKind?: NoticeAlarm['kind'];
  /** On a notice that someone saw an alarm: which, and who. */
  seen?: NoticeSeen;
  /** Sent before this page's welcome, in the gateway's notice history: not received live. */
  earlier?: true;
}

function onsiteNotice(boot: string, { seq, at, body }: NoticeEventMessage): OnsiteNotice {
  const seen = body.seen && { seq: body.seen.seq, by: keptText(body.seen.by, MAX_NAME_CHARS) };
  return { boot, seq, at, level: body.level, text: keptText(body.text), alarmKind: body.alarm?.kind, seen };
}

/** Messages from the gateway this page could not read and dropped: how many, and why the last was dropped. */
export interface UnreadMessages {
  count: number;
  code: string;
  message: string;
}

export interface OnsiteLinkView {
  status: OnsiteLinkStatus;
  error: string | null;
  sessionId: string | null;
  snapshot: ScannerSnapshot | null;
  policy: LinkPolicy | null;
  /** The event log's notices, oldest first, with the standing alarms however old (onsite-notices.ts). */
  notices: readonly OnsiteNotice[];
  /** The site's written contingency plans for this scanner. */
  plans: ContingencyPlan[];
  /** Chat, marks, proposals and handover of the open exam (docs/architecture.md "Collaboration"). */
  collab: CollabState | null;
  /** Messages from the gateway not read (too large, not valid), or null while every one was. */
  unread: UnreadMessages | null;
}

/** Chat lines kept: the exam's talk, not the site's whole history. */
const KEEP_CHAT = 200;
/**
 * Pending proposals kept: the gateway holds 5 per person (MAX_PENDING_PROPOSALS_PER_PERSON), so
 * this is a full room's worth, bounded here too as on the workstation (main/core/collab-mirror.ts).
 */
const KEEP_PROPOSALS = 200;
/**
 * The longest name of a person kept and shown (a participant's, or who saw an alarm): a sound
 * gateway hands out none longer (protocol/auth.ts MAX_DISPLAY_NAME_CHARS). Longer, it is cut with
 * an ellipsis: otherwise only the frame limit bounds it, and the page keeps thousands of
 * participants and hundreds of notices of who saw an alarm.
 */
const MAX_NAME_CHARS = MAX_DISPLAY_NAME_CHARS;
const RECONNECT_MS = [250, 500, 1000, 2000, 4000];
/** The collaboration view before any catch-up: its lists are filled in from the talk and the marks. */
const NO_COLLAB: CollabState = { chat: [], marks: [], proposals: [], handover: null, plans: [] };

/**
 * The onsite console's own gateway link: it is a web page at the site, so it speaks the wire
 * protocol itself (role onsite). It heartbeats like the workstation's link, because the gateway
 * treats a silent console as absent (safety rule 1), and reconnects on its own.
 */
export class OnsiteLink {
  private ws: WebSocket | null = null;
  private heartbeat: HeartbeatClock | null = null;
  private attempts = 0;
  /** The gateway's refusal of this socket's hello, one that passes with time (protocol/errors.ts LATER_REFUSALS), said when it closes. */
  private laterRefusal: string | null = null;
  private stopped = false;
  private nextId = 1;
  private readonly pending = new Map<string, (ack: AckMessage) => void>();
  private readonly viewListeners = new Set<(view: OnsiteLinkView) => void>();
  private readonly mediaListeners = new Set<(message: MediaGatewayMessage) => void>();
  private readonly imageListeners = new Set<(arrival: OnsiteImageArrival) => void>();
  private readonly images = new OnsiteImageReader((arrival) => {
    for (const l of this.imageListeners) l(arrival);
  });
  /** The first catalogue after a welcome, until its images are asked for (once the viewer listens). */
  private joinCatalogue: ExamCatalogue | null = null;
  private joinCatalogueDue = false;
  /** The gateway boot of the last welcome. */
  private bootId = '';
  /** An image has reached the viewer since the page opened: it has something to show. */
  private imagesSeen = false;
  /** Kept here and copied into the view when it is published: a burst costs one copy per view. */
  private readonly notices = new OnsiteNotices();
  private readonly marks = new ExamMarks();
  private readonly talk = new ExamTalk({ chat: KEEP_CHAT, proposals: KEEP_PROPOSALS });
  /** One view per interval, however many messages (view-pacer.ts). */
  private readonly pacer = new ViewPacer(() => this.publish());
  /** The view last published; its notices, marks, chat, proposals and handover are brought up to date as it is. */
  private view: OnsiteLinkView = {
    status: 'connecting',
    error: null,
    sessionId: null,
    snapshot: null,
    policy: null,
    notices: [],
    plans: [],
    collab: null,
    unread: null,
  };

  /** `credential`: the session credential from sign-in; the gateway takes name and level from its account. */
  constructor(
    private readonly url: string,
    private readonly credential: string,
    private readonly token?: string,
  ) {}

  open(): void {
    this.stopped = false;
    const ws = new WebSocket(this.url, SUBPROTOCOL);
    this.ws = ws;
    ws.addEventListener('open', () => {
      this.attempts = 0;
      this.sendJson({
        type: 'hello',
        version: PROTOCOL_VERSION,
        role: 'onsite',
        credentials: { session: this.credential, ...(this.token ? { token: this.token } : {}) },
      });
    });
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', (event: MessageEvent) => {
      this.pacer.poke();
      if (typeof event.data !== 'string') return this.receiveImage(event.data as ArrayBuffer);
      this.receiveText(event.data);
    });
    ws.addEventListener('close', () => this.closed());
  }

  close(): void {
    this.stopped = true;
    this.pacer.stop();
    this.stopHeartbeat();
    this.images.close();
    this.ws?.close(1000, 'bye');
  }

  subscribe(listener: (view: OnsiteLinkView) => void): () => void {
    this.viewListeners.add(listener);
    listener(this.currentView());
    return () => this.viewListeners.delete(listener);
  }

  act(action: OnsiteAction): Promise<AckMessage> {
    const id = `onsite_${Date.now().toString(36)}_${this.nextId++}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      if (!this.sendJson({ type: 'onsite', id, action })) {
        this.pending.delete(id);
        resolve({ type: 'ack', id, outcome: 'rejected', code: ErrorCode.LINK_DOWN, reason: 'the onsite console is not connected to the gateway' });
      }
    });
  }

  /** Chat, marks, handover confirmation: answered with one ack, like an onsite action. */
  collab(action: CollabAction): Promise<AckMessage> {
    const id = `onsite_${Date.now().toString(36)}_${this.nextId++}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      if (!this.sendJson({ type: 'collab', id, action })) {
        this.pending.delete(id);
        resolve({ type: 'ack', id, outcome: 'rejected', code: ErrorCode.LINK_DOWN, reason: 'the onsite console is not connected to the gateway' });
      }
    });
  }

  /** Live images, each once, as they arrive (the newest is the live one). */
  subscribeImages(listener: (arrival: OnsiteImageArrival) => void): () => void {
    this.imageListeners.add(listener);
    this.fetchJoinImages();
    return () => this.imageListeners.delete(listener);
  }

  /**
   * A binary frame (an image frame, or a part of one): one larger than any client accepts is
   * dropped before the image worker puts it together or reads it (frame-limit.ts), counted and
   * shown like a text frame over the limit.
   */
  private receiveImage(data: ArrayBuffer): void {
    if (exceedsFrameLimit(data)) return this.tooLarge(data.byteLength);
    // Put together and read in the page's image worker: never here, where the heartbeats are sent.
    if (this.imageListeners.size === 0) return;
    this.imagesSeen = true;
    this.images.take(data);
  }

  /**
   * Joined an exam under way with nothing to show: ask for the newest held image and the one the
   * last mark is on (join-images.ts). A page that already got images, live or replayed on resume,
   * asks for none.
   */
  private fetchJoinImages(): void {
    const catalogue = this.joinCatalogue;
    if (catalogue === null || this.imageListeners.size === 0) return;
    this.joinCatalogue = null;
    if (this.imagesSeen) return;
    const uids = imagesToShowOnJoin(catalogue, this.marks.list());
    if (uids.length > 0) this.sendJson({ type: 'image.fetch', id: `onsite_join_${this.nextId++}`, request: { sopInstanceUids: uids } });
  }

  checkIn(credential: CredentialLevel): Promise<AckMessage> {
    return this.act({ name: 'presence.check-in', credential });
  }

  sendMedia(message: MediaClientMessage): void {
    this.sendJson(message);
  }

  subscribeMedia(listener: (message: MediaGatewayMessage) => void): () => void {
    this.mediaListeners.add(listener);
    return () => this.mediaListeners.delete(listener);
  }

  /**
   * A text frame: one larger than any client accepts is dropped unread (frame-limit.ts), and one
   * that is not a valid message is dropped; both are counted and shown, as the workstation logs
   * a protocol error (docs/architecture.md "Wire protocol", "Errors"), and the link goes on.
   */
  private receiveText(text: string): void {
    if (exceedsFrameLimit(text)) return this.tooLarge(text.length);
    const decoded = decodeGatewayMessage(text);
    if (!decoded.ok) return this.unreadable(decoded.code, decoded.message);
    this.receive(decoded.message);
  }

  /** A frame over the limit, of about `size` bytes, dropped unread. */
  private tooLarge(size: number): void {
    this.unreadable(
      ErrorCode.FRAME_TOO_LARGE,
      `a message of about ${Math.ceil(size / 2 ** 20)} MiB, over the ${MAX_FRAME_BYTES / 2 ** 20} MiB any client accepts`,
    );
  }

  private unreadable(code: string, message: string): void {
    const count = (this.view.unread?.count ?? 0) + 1;
    // Logged for whoever looks into it; the first few and then one in a thousand, so a flood of them does not flood the console too.
    if (count <= 10 || count % 1000 === 0) console.warn(`onsite link: message ${count} from the gateway not read: ${code}: ${message}`);
    this.update({ unread: { count, code, message } });
  }

  private receive(message: GatewayMessage): void {
    if (isMediaGatewayMessage(message)) {
      for (const l of this.mediaListeners) l(message);
      return;
    }
    switch (message.type) {
      case 'welcome':
        // Welcomed once per socket (docs/architecture.md "Wire protocol"), as the workstation takes it.
        if (this.view.status === 'connected') return this.unreadable(ErrorCode.ALREADY_GREETED, 'a second welcome on a link already welcomed: not taken');
        this.startHeartbeat(message.heartbeat.intervalMs);
        this.joinCatalogueDue = true;
        this.bootId = message.bootId;
        return this.update({
          status: 'connected',
          error: null,
          sessionId: message.session.id,
          snapshot: keptParticipants(message.snapshot, message.session.id),
          policy: message.policy,
        });
      case 'refused':
        // For want of room, or too many sessions started at once: the gateway's to give again in time; tried again when the socket closes.
        if (LATER_REFUSALS.has(message.code)) {
          this.laterRefusal = `${message.code}: ${message.reason}`;
          return;
        }
        this.stopped = true;
        return this.update({ status: 'refused', error: `${message.code}: ${message.reason}` });
      case 'ack': {
        const resolve = this.pending.get(message.id);
        this.pending.delete(message.id);
        resolve?.(message);
        return;
      }
      case 'event':
        if (message.body.kind === 'scanner') {
          const studyUid = message.body.snapshot.exam?.studyUid ?? null;
          const c = this.view.collab;
          // A new exam starts with its own chat and no marks (the gateway clears them too).
          if (c !== null && (this.view.snapshot?.exam?.studyUid ?? null) !== studyUid) {
            this.marks.reset([]);
            this.talk.examChanged(studyUid);
          }
          return this.update({ snapshot: keptParticipants(message.body.snapshot, this.view.sessionId) });
        }
        if (message.body.kind === 'participant.joined' || message.body.kind === 'participant.left') {
          const snapshot = this.view.snapshot;
          return snapshot ? this.update({ snapshot: keptParticipants(withParticipantChange(snapshot, message.body), this.view.sessionId) }) : undefined;
        }
        if (message.body.kind === 'plans') return this.update({ plans: message.body.plans });
        if (
          message.body.kind === 'chat' ||
          message.body.kind === 'mark' ||
          message.body.kind === 'marks' ||
          message.body.kind === 'proposal' ||
          message.body.kind === 'handover'
        ) {
          this.applyCollab(message.body);
          return this.update({ collab: this.view.collab ?? NO_COLLAB });
        }
        if (message.body.kind !== 'notice') return;
        this.notices.add(onsiteNotice(this.bootId, { ...message, body: message.body }));
        return this.pacer.changed();
      case 'notice.history': {
        // Right after the welcome: the notices of this boot this page has not had (all of them
        // on a page just opened; those sent while the link was down on a page that reconnects).
        const had = this.notices.seqsOf(this.bootId);
        for (const e of message.events) if (!had.has(e.seq)) this.notices.add({ ...onsiteNotice(this.bootId, e), earlier: true });
        return this.pacer.changed();
      }
      case 'collab.state': {
        const { state } = message;
        this.marks.reset(state.marks);
        this.talk.reset(state);
        // Its lists are held by the talk and the marks, within their bounds, not in the view.
        return this.update({ plans: state.plans, collab: { ...state, chat: [], marks: [], proposals: [] } });
      }
      case 'exam.catalogue':
        // The first one after a welcome (the gateway sends it after the collaboration state, marks included).
        if (!this.joinCatalogueDue) return;
        this.joinCatalogueDue = false;
        this.joinCatalogue = message.catalogue;
        return this.fetchJoinImages();
      default:
        return;
    }
  }

  private closed(): void {
    this.stopHeartbeat();
    for (const [id, resolve] of this.pending)
      resolve({ type: 'ack', id, outcome: 'rejected', code: ErrorCode.LINK_DOWN, reason: 'link lost before the gateway answered' });
    this.pending.clear();
    if (this.stopped) return;
    const error = this.laterRefusal
      ? `the gateway refused this console for now (${this.laterRefusal}): trying again`
      : 'link to the gateway lost: reconnecting';
    this.laterRefusal = null;
    this.update({ status: 'lost', sessionId: null, error });
    const delay = RECONNECT_MS[Math.min(this.attempts++, RECONNECT_MS.length - 1)]!;
    setTimeout(() => !this.stopped && this.open(), delay);
  }

  private startHeartbeat(intervalMs: number): void {
    this.stopHeartbeat();
    this.heartbeat = startHeartbeatClock(intervalMs, () => {
      this.sendJson({ type: 'ping', t: performance.now() });
      // The clock's worker is not throttled in a hidden page; the pacer's timer is.
      this.pacer.poke();
    });
  }

  private stopHeartbeat(): void {
    this.heartbeat?.stop();
    this.heartbeat = null;
  }

  private sendJson(message: unknown): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** A change to the view, published with the others of its interval (view-pacer.ts). */
  private update(change: Partial<OnsiteLinkView>): void {
    this.view = { ...this.view, ...change };
    this.pacer.changed();
  }

  private publish(): void {
    const view = this.currentView();
    for (const l of this.viewListeners) l(view);
  }

  /** The view with the notices, marks and talk kept now (the same arrays while they have not changed). */
  private currentView(): OnsiteLinkView {
    const notices = this.notices.list();
    if (notices !== this.view.notices) this.view = { ...this.view, notices };
    const collab = this.view.collab;
    if (collab === null) return this.view;
    const talked = this.talk.view(collab);
    const marks = this.marks.list();
    const now = talked.marks === marks ? talked : { ...talked, marks };
    if (now !== collab) this.view = { ...this.view, collab: now };
    return this.view;
  }

  /** One collaboration event on top of the catch-up (the same rules as the workstation core's mirror). */
  private applyCollab(body: Extract<CollabEventBody, { kind: 'chat' | 'mark' | 'marks' | 'proposal' | 'handover' }>): void {
    switch (body.kind) {
      case 'mark':
        this.marks.add(body.mark);
        return;
      case 'marks':
        this.marks.replaceImage(body.sopInstanceUid, body.marks);
        return;
      default:
        this.talk.apply(body);
    }
  }
}

/** `snapshot` as the page keeps it: its participants bounded (protocol/messages.ts boundedParticipants), each name cut to MAX_NAME_CHARS. */
function keptParticipants(snapshot: ScannerSnapshot, me: string | null): ScannerSnapshot {
  const bounded = boundedParticipants(snapshot, me);
  const long = (p: Participant) => p.name.length > MAX_NAME_CHARS;
  if (!bounded.participants.some(long)) return bounded;
  return { ...bounded, participants: bounded.participants.map((p) => (long(p) ? { ...p, name: keptText(p.name, MAX_NAME_CHARS) } : p)) };
}

/** The gateway that served this page. */
export function gatewayUrlOfPage(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;
}

/**
 * Sign in as onsite staff at the gateway that served this page (same origin, POST /auth/sign-in).
 * Resolves with the session credential and the account, or rejects with the gateway's words.
 */
export async function signInOnsite(user: string, password: string, totp: string): Promise<SignInResponse> {
  let response: Response;
  try {
    response = await fetch(SIGN_IN_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, password, role: 'onsite', ...(totp ? { totp } : {}) }),
    });
  } catch {
    throw new Error(`${ErrorCode.LINK_DOWN}: the gateway does not answer`);
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const ok = SignInResponse.safeParse(body);
    if (ok.success) return ok.data;
  }
  const refusal = SignInRefusal.safeParse(body);
  throw new Error(refusal.success ? `${refusal.data.code}: ${refusal.data.message}` : `sign-in refused (HTTP ${response.status})`);
}
