import type { MediaState } from '../../protocol/index.js';
import type { GatewayContext } from './context.js';
import type { ClientSession } from './sessions.js';

interface OpenWindow {
  session: ClientSession;
  /** Changes since the row that opened the window, and where they left the member. */
  changes: number;
  health: MediaState['health'];
  reason: string | null;
  timer: NodeJS.Timeout;
}

/**
 * The audit trail's rows for a media room member's health (`media health` ok, degraded or
 * failed). The first change is written at once; the changes that follow within the window are
 * written as one row when it ends, or when the member leaves, with their count and the health
 * they left the member in. A call whose health flaps on a poor network, or a client that reports
 * changes in a loop, would otherwise write (and fsync) a row per message.
 */
export class MediaHealthAudit {
  private readonly open = new Map<string, OpenWindow>();

  constructor(
    private readonly ctx: GatewayContext,
    private readonly windowMs: number,
  ) {}

  changed(session: ClientSession, state: MediaState): void {
    const window = this.open.get(session.id);
    if (window) {
      window.changes++;
      window.health = state.health;
      window.reason = state.healthReason;
      return;
    }
    this.ctx.audit(session, 'media health', state.health, null, { reason: state.healthReason });
    const timer = setTimeout(() => this.end(session.id), this.windowMs);
    timer.unref();
    this.open.set(session.id, { session, changes: 0, health: state.health, reason: state.healthReason, timer });
  }

  /** The member left the room (or the gateway is closing): what its window counted is written now. */
  end(sessionId: string): void {
    const window = this.open.get(sessionId);
    if (!window) return;
    this.open.delete(sessionId);
    clearTimeout(window.timer);
    if (window.changes > 0) this.ctx.audit(window.session, 'media health', window.health, null, { reason: window.reason, changes: window.changes });
  }

  endAll(): void {
    for (const sessionId of [...this.open.keys()]) this.end(sessionId);
  }
}
