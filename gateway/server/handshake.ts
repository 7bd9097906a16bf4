import { ErrorCode, PROTOCOL_VERSION, type GatewayMessage, type HelloMessage, type Role, type ScannerSnapshot } from '../../protocol/index.js';
import type { OnsiteNetworks } from '../auth/onsite-network.js';
import type { ResumeSecrets } from '../auth/resume-secrets.js';
import type { SessionCredentials } from '../auth/session-credential.js';
import { siteTokenMatches } from '../auth/site-token.js';
import type { GatewayContext } from './context.js';
import type { ControlDesk } from './control.js';
import type { KeyedRates } from './link-limits.js';
import { sendEvent, type BufferedEvent, type EventBuffer } from './event-buffer.js';
import type { NoticeHistory } from './notice-history.js';
import { observerPhiAudit, type ObserverPhi } from './observer-phi.js';
import type { ClientSession } from './sessions.js';

/**
 * Images an observer's replay may de-identify in the turn it is sent: 4 MiB, about eight 512x512
 * MR images, some 10 ms of the event loop. More, and it resumes from a fresh snapshot
 * (docs/architecture.md "The image's path", 6).
 */
const MAX_OBSERVER_COPY_BYTES_IN_REPLAY = 4 * 1024 * 1024;

export interface HandshakeDeps {
  readonly control: ControlDesk;
  readonly events: EventBuffer;
  /** This boot's last notices: after a fresh welcome, what the replay would have brought. */
  readonly noticeHistory: NoticeHistory;
  /** Random per process: a resume point of another boot means nothing here. */
  readonly bootId: string;
  /** Shared site token; when set, every hello must carry it. */
  readonly token: string | undefined;
  /** The snapshot as this role may see it (observers: per the site's observer PHI policy). */
  snapshot(role: Role): ScannerSnapshot;
  /** The site's observer PHI policy, noted in the audit when an observer joins. */
  readonly observerPhi?: ObserverPhi;
  /** Verifies the session credential from sign-in that every hello carries. */
  readonly credentials: SessionCredentials;
  /** Where the onsite role may come from (--onsite-from). */
  readonly onsiteNetworks: OnsiteNetworks;
  readonly resumeSecrets: ResumeSecrets;
  /** Greeted sessions one account may hold (link-limits.ts `sessionsPerAccount`). */
  readonly sessionsPerAccount: number;
  /** Sessions each account may start, by its user id (link-limits.ts `sessionStartsPerSecond`). */
  readonly sessionStarts: KeyedRates;
  /**
   * Audits a hello refused folded by the peer's address: one refused before it showed an account
   * (no or a wrong site token, no or an invalid credential), which anyone can send as fast as it
   * can connect, and one of an account at its share of sessions or starting them too fast, which
   * its holder can.
   */
  refuseByAddress(session: ClientSession, code: string, reason: string, detail: { role: Role; user?: string }): void;
}

/**
 * A client's hello: check its session credential (and the site token, where one is used), give
 * the session the role, name and level of the signed-in account, and welcome it with a snapshot
 * and this boot's last notices, or with the events it missed when it resumes a link of this boot.
 */
export class Handshake {
  constructor(
    private readonly ctx: GatewayContext,
    private readonly deps: HandshakeDeps,
  ) {}

  async greet(session: ClientSession, hello: HelloMessage): Promise<void> {
    const { sessions } = this.ctx;
    if (session.role !== null || session.greeting) return sessions.sendError(session, ErrorCode.ALREADY_GREETED, 'this session has already said hello');
    const refuse = (code: string, reason: string, detail: Record<string, unknown> = {}) => {
      this.ctx.audit(session, 'hello', 'refused', code, { role: hello.role, ...detail });
      sessions.refuse(session, code, reason);
    };
    const refuseByAddress = (code: string, reason: string, user?: string) => {
      this.deps.refuseByAddress(session, code, reason, { role: hello.role, ...(user ? { user } : {}) });
      sessions.refuse(session, code, reason);
    };
    if (this.deps.token !== undefined && !siteTokenMatches(this.deps.token, hello.credentials.token)) {
      return refuseByAddress(ErrorCode.UNAUTHENTICATED, 'the site token is missing or wrong');
    }
    if (hello.credentials.session === undefined) {
      return refuseByAddress(ErrorCode.CREDENTIAL_MISSING, 'sign in first: the gateway takes who you are and your role from your account, not from the hello');
    }
    session.greeting = true;
    const verified = await this.deps.credentials.verify(hello.credentials.session);
    session.greeting = false;
    if (session.ws.readyState !== session.ws.OPEN) return;
    if (!verified.ok) return refuseByAddress(verified.code, verified.message);
    const claims = verified.claims;
    // The credential is verified: a refusal below is audited with the account that asked (the user_id column).
    session.userId = claims.userId;
    // Counted before any other check of the account: a hello refused below costs an audit row too.
    if (!this.deps.sessionStarts.take(claims.userId)) {
      return refuseByAddress(
        ErrorCode.RATE_LIMITED,
        `${claims.displayName} is starting sessions on this gateway faster than ${this.deps.sessionStarts.perSecond} a second`,
        claims.userId,
      );
    }
    if (claims.role !== hello.role) {
      return refuse(ErrorCode.ROLE_FORBIDDEN, `you signed in as ${claims.role}; sign in again to work as ${hello.role}`);
    }
    if (hello.role === 'onsite' && !this.deps.onsiteNetworks.admits(session.peer ?? undefined)) {
      return refuse(
        ErrorCode.ONSITE_NETWORK_FORBIDDEN,
        `the onsite role is accepted only from the scanner site's network (${this.deps.onsiteNetworks.cidrs.join(', ')})`,
      );
    }
    if (this.sessionsOf(claims.userId) >= this.deps.sessionsPerAccount) {
      return refuseByAddress(
        ErrorCode.TOO_MANY_SESSIONS,
        `${claims.displayName} already has ${this.deps.sessionsPerAccount} sessions on this gateway: close one first`,
        claims.userId,
      );
    }
    const resume = hello.resumeSecret === undefined ? 'unknown' : this.deps.resumeSecrets.check(hello.resumeSecret, claims.userId);
    if (resume === 'replayed') {
      return refuse(ErrorCode.RESUME_REPLAYED, 'this resume secret belongs to another session or was already used: sign in again');
    }
    session.role = claims.role;
    session.name = claims.displayName;
    session.level = claims.level;
    session.credentialId = claims.credentialId;
    session.token = hello.credentials.token ?? null;
    const resumeSecret = this.deps.resumeSecrets.issue(claims.userId, session.id);
    session.resumeSecret = resumeSecret;
    if (hello.resumeSecret !== undefined && (resume === 'ok' || resume === 'retried')) {
      this.deps.resumeSecrets.consume(hello.resumeSecret, session.id);
      session.resumedWith = hello.resumeSecret;
    }
    this.ctx.audit(session, 'hello', 'accepted', null, {
      method: claims.method,
      resumeFrom: hello.resumeFrom ?? null,
      resumeBootId: hello.resumeBootId ?? null,
      resumeSecret: hello.resumeSecret === undefined ? null : resume,
    });
    if (hello.role === 'observer' && this.deps.observerPhi) {
      const note = observerPhiAudit(this.deps.observerPhi);
      this.ctx.audit(session, 'observer phi', note.decision, null, note.detail);
    }
    const replay = this.replayFor(hello);
    const welcome = (): GatewayMessage => ({
      type: 'welcome',
      version: PROTOCOL_VERSION,
      session: { id: session.id, role: claims.role, name: claims.displayName, userId: claims.userId },
      resumeSecret,
      bootId: this.deps.bootId,
      heartbeat: { intervalMs: this.ctx.heartbeatIntervalMs },
      policy: this.ctx.policy,
      snapshot: this.deps.snapshot(hello.role),
      lastSeq: replay ? (hello.resumeFrom as number) : this.deps.events.lastSeq,
    });
    // Too large to send (sessions.ts): a refusal the client shows, not a hello it repeats forever.
    const undeliverable = () =>
      refuse(ErrorCode.MESSAGE_UNDELIVERABLE, "the scanner's state is larger than one message may carry: the gateway's audit trail has the details");
    // An operator's arrival may move control: judged before, so that a welcome too large to send
    // moves nothing, and onsite staff are not told of a holder lost who never got in. The move
    // adds only the holder to the snapshot, a name; the check at sending stays the net.
    if (hello.role === 'operator' && !sessions.fits(session, welcome())) return undeliverable();
    // Control changes now, so the welcome's snapshot shows it; what is said about it waits until
    // after the welcome and the replay, or a client that drops pre-welcome events would miss it.
    // A secret forgotten since (resume-secrets.ts) still takes back control reserved for it: the
    // reservation keeps its own copy, and is spent when taken (control.ts).
    const presented = hello.resumeSecret;
    const holderBefore = this.deps.control.holder?.sessionId ?? null;
    const arrival = hello.role === 'operator' ? this.deps.control.operatorArrived(session, presented) : [];
    if (!sessions.send(session, welcome())) return undeliverable();
    if (replay) for (const event of replay) sendEvent(session.ws, event, hello.role);
    else this.deps.noticeHistory.sendTo(session.ws, hello.role);
    for (const say of arrival) this.ctx.notice(say.level, say.text);
    if ((this.deps.control.holder?.sessionId ?? null) !== holderBefore) this.ctx.publishSnapshot();
    else this.ctx.publishParticipant('joined', session);
  }

  /** Greeted sessions of this account that are not over. */
  private sessionsOf(userId: string): number {
    let count = 0;
    for (const other of this.ctx.sessions.values()) if (other.role !== null && !other.refused && other.userId === userId) count++;
    return count;
  }

  /**
   * The events a resuming client missed, or undefined for a fresh snapshot: none asked for, a
   * gap older than the buffer keeps, or a resume point of another boot (or beyond this boot's
   * numbering), whose numbers mean nothing here.
   */
  private replayFor(hello: HelloMessage): BufferedEvent[] | undefined {
    if (hello.resumeFrom === undefined) return undefined;
    if (hello.resumeBootId !== undefined && hello.resumeBootId !== this.deps.bootId) return undefined;
    if (hello.resumeFrom > this.deps.events.lastSeq) return undefined;
    const events = this.deps.events.since(hello.resumeFrom);
    // The replay is sent in this turn: an observer's would de-identify every image in it not yet
    // copied (no observer was there to need them) at once, as the first observer's join once did
    // (exam-images-desk.ts). Past a few images' worth it gets a fresh snapshot instead, and the
    // images come as for a join: the catalogue at once, the copies one per turn.
    if (events && hello.role === 'observer' && this.deps.events.observerCopiesDueBytes(events) > MAX_OBSERVER_COPY_BYTES_IN_REPLAY) return undefined;
    return events;
  }
}
