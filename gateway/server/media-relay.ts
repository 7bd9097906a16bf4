import {
  ErrorCode,
  MAX_MEDIA_MEMBERS,
  MAX_MEDIA_OBSERVERS,
  type GatewayMessage,
  type IceServer,
  type MediaClientMessage,
  type MediaMember,
} from '../../protocol/index.js';
import { refuseSignal } from '../safety/signal-rules.js';
import type { GatewayContext } from './context.js';
import type { SessionRates } from './link-limits.js';
import { MediaHealthAudit } from './media-health-audit.js';
import { MediaRoom, sameMediaState } from './media-room.js';
import type { ClientSession } from './sessions.js';

/**
 * Shortest time between two sends of the room's news. Changes within it go out together, each
 * member's latest state only: a member that sends `media.state` in a loop costs every other
 * member at most one update of it per interval. Short beside the 2 s window of the "who hears
 * whom" measure (protocol/signaling.ts MediaState.hears), so the indicator does not lag.
 */
const MEDIA_SEND_INTERVAL_MS = 200;

/**
 * WebRTC signaling relay: the media room's membership and health, and offers/answers/candidates
 * passed between members the signal rules allow. The media itself flows peer to peer, never
 * through the gateway.
 *
 * What each member is sent grows with the room, not with its square: the whole room
 * (`media.room`) only when its membership changes, and after a `media.state` that changes
 * something only that member (`media.member`); a state equal to the last one sends nothing.
 * Sends are coalesced, at most one batch per MEDIA_SEND_INTERVAL_MS.
 */
export class MediaRelay {
  private readonly room = new MediaRoom();
  /** Membership changed since the last send: the next one is the whole room. */
  private membershipChanged = false;
  /** Members whose state changed since the last send. */
  private readonly changed = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSendAt = -Infinity;
  private readonly healthAudit: MediaHealthAudit;

  /**
   * @param iceServers STUN/TURN servers handed to WebRTC peers; none needed on a LAN (host candidates).
   * @param auditWindowMs a member's health changes are written at most one row per this window (media-health-audit.ts).
   * @param rates each session's joins, at the rate of shared actions (each is an audit row, and
   *   each that changes the membership sends the whole room to every member; leaving is never
   *   held back, and to come back is a join), and the bytes of its signals relayed
   *   (link-limits.ts `signalBytesPerSecond`).
   */
  constructor(
    private readonly ctx: GatewayContext,
    private readonly iceServers: IceServer[],
    auditWindowMs: number,
    private readonly rates: { joins: SessionRates; signalBytes: SessionRates },
  ) {
    this.healthAudit = new MediaHealthAudit(ctx, auditWindowMs);
  }

  handle(session: ClientSession, message: MediaClientMessage): void {
    const { sessions } = this.ctx;
    switch (message.type) {
      case 'media.join': {
        const refusal = this.joinRefusal(session);
        if (refusal) {
          this.ctx.audit(session, 'media', 'refused', refusal.code, { reason: refusal.reason });
          sessions.send(session, { type: 'media.refused', ...refusal });
          return;
        }
        this.room.join(session.id, session.role!, session.name!, message.state);
        this.ctx.audit(session, 'media', 'joined', null, { state: message.state });
        return this.roomChanged();
      }
      case 'media.leave':
        if (this.room.leave(session.id)) {
          this.healthAudit.end(session.id);
          this.ctx.audit(session, 'media', 'left', null);
          this.roomChanged();
        }
        return;
      case 'media.state': {
        const before = this.room.update(session.id, message.state);
        if (!before) return sessions.sendError(session, ErrorCode.SIGNAL_REFUSED, 'join the media room first');
        if (before.health !== message.state.health) this.healthAudit.changed(session, message.state);
        if (sameMediaState(before, message.state)) return;
        this.changed.add(session.id);
        return this.schedule();
      }
      case 'signal': {
        const target = sessions.get(message.to);
        const refusal = refuseSignal(
          { role: session.role!, inRoom: this.room.has(session.id) },
          target?.role ? { role: target.role, inRoom: this.room.has(target.id) } : undefined,
          message.description,
        );
        if (refusal) {
          this.ctx.audit(session, 'signal', 'rejected', refusal.code, { to: message.to, reason: refusal.reason });
          return sessions.sendError(session, refusal.code, refusal.reason);
        }
        const relayed: GatewayMessage = { type: 'signal', from: session.id, description: message.description, candidate: message.candidate };
        const text = JSON.stringify(relayed);
        if (!this.rates.signalBytes.take(session, Buffer.byteLength(text))) {
          const reason = `more than ${this.rates.signalBytes.perSecond / 1024} KB of signals a second`;
          this.ctx.audit(session, 'signal', 'rejected', ErrorCode.RATE_LIMITED, { to: message.to, reason });
          return sessions.sendError(session, ErrorCode.RATE_LIMITED, reason);
        }
        sessions.send(target!, relayed, text);
        return;
      }
    }
  }

  /** Why a join is not taken, or null (protocol/signaling.ts MAX_MEDIA_OBSERVERS, MAX_MEDIA_MEMBERS). */
  private joinRefusal(session: ClientSession): { code: string; reason: string } | null {
    if (!this.rates.joins.take(session)) {
      return { code: ErrorCode.RATE_LIMITED, reason: this.rates.joins.overRate('joins of the call') };
    }
    if (this.room.has(session.id)) return null; // joining again: its place is kept
    if (session.role === 'observer' && this.room.count('observer') >= MAX_MEDIA_OBSERVERS) {
      return {
        code: ErrorCode.MEDIA_ROOM_FULL,
        reason: `the call already has its ${MAX_MEDIA_OBSERVERS} observers; the images, the chat and the event log are still yours`,
      };
    }
    if (this.room.size >= MAX_MEDIA_MEMBERS) {
      return { code: ErrorCode.MEDIA_ROOM_FULL, reason: `the call already has its ${MAX_MEDIA_MEMBERS} members` };
    }
    return null;
  }

  /** A session left: the others learn it is out of the call. */
  sessionLeft(session: ClientSession): void {
    this.healthAudit.end(session.id);
    if (this.room.leave(session.id)) this.roomChanged();
  }

  /** Drops a send still waiting and writes the health changes counted so far (the gateway is closing). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.healthAudit.endAll();
  }

  private roomChanged(): void {
    this.membershipChanged = true;
    this.schedule();
  }

  /** The next send, at once after a quiet interval, else when the interval since the last ends. */
  private schedule(): void {
    if (this.timer) return; // the send already due carries this change too
    const wait = Math.max(0, this.lastSendAt + MEDIA_SEND_INTERVAL_MS - performance.now());
    this.timer = setTimeout(() => this.send(), wait);
    // A send still due must not hold a closing gateway's process open.
    this.timer.unref?.();
  }

  private send(): void {
    this.timer = null;
    this.lastSendAt = performance.now();
    const members = this.room.list();
    if (this.membershipChanged) {
      // The whole room carries every member's latest state: the pending updates are in it.
      this.membershipChanged = false;
      this.changed.clear();
      for (const member of members) this.sendTo(member, { type: 'media.room', self: member.sessionId, iceServers: this.iceServers, members });
      return;
    }
    const updates = [...this.changed].map((id) => this.room.member(id)).filter((m): m is MediaMember => m !== undefined);
    this.changed.clear();
    for (const member of members) for (const update of updates) this.sendTo(member, { type: 'media.member', member: update });
  }

  private sendTo(member: MediaMember, message: GatewayMessage): void {
    const session = this.ctx.sessions.get(member.sessionId);
    if (session) this.ctx.sessions.send(session, message);
  }
}
