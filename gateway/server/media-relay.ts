import { ErrorCode, type IceServer, type MediaClientMessage } from '../../protocol/index.js';
import { refuseSignal } from '../safety/signal-rules.js';
import type { GatewayContext } from './context.js';
import { MediaRoom } from './media-room.js';
import type { ClientSession } from './sessions.js';

/**
 * WebRTC signaling relay: the media room's membership and health, sent to every member after
 * each change, and offers/answers/candidates passed between members the signal rules allow.
 * The media itself flows peer to peer, never through the gateway.
 */
export class MediaRelay {
  private readonly room = new MediaRoom();

  /** @param iceServers STUN/TURN servers handed to WebRTC peers; none needed on a LAN (host candidates). */
  constructor(
    private readonly ctx: GatewayContext,
    private readonly iceServers: IceServer[],
  ) {}

  handle(session: ClientSession, message: MediaClientMessage): void {
    const { sessions } = this.ctx;
    switch (message.type) {
      case 'media.join':
        this.room.join(session.id, session.role!, session.name!, message.state);
        this.ctx.audit(session, 'media', 'joined', null, { state: message.state });
        return this.sendRoom();
      case 'media.leave':
        if (this.room.leave(session.id)) {
          this.ctx.audit(session, 'media', 'left', null);
          this.sendRoom();
        }
        return;
      case 'media.state': {
        const before = this.room.update(session.id, message.state);
        if (!before) return sessions.sendError(session, ErrorCode.SIGNAL_REFUSED, 'join the media room first');
        if (before.health !== message.state.health) {
          this.ctx.audit(session, 'media health', message.state.health, null, { reason: message.state.healthReason });
        }
        return this.sendRoom();
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
        sessions.send(target!, { type: 'signal', from: session.id, description: message.description, candidate: message.candidate });
        return;
      }
    }
  }

  /** A session left: the others learn it is out of the call. */
  sessionLeft(session: ClientSession): void {
    if (this.room.leave(session.id)) this.sendRoom();
  }

  private sendRoom(): void {
    const members = this.room.list();
    for (const member of members) {
      const session = this.ctx.sessions.get(member.sessionId);
      if (session) this.ctx.sessions.send(session, { type: 'media.room', self: member.sessionId, iceServers: this.iceServers, members });
    }
  }
}
