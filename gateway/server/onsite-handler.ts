import type { AckMessage, OnsiteMessage, OnsiteStatus } from '../../protocol/index.js';
import { ErrorCode, LEVEL_CREDENTIAL } from '../../protocol/index.js';
import { applyOnsiteAction } from '../safety/onsite-actions.js';
import { OnsitePresenceBook } from '../safety/onsite-presence.js';
import { rejected } from './acks.js';
import type { GatewayContext } from './context.js';
import type { ControlDesk } from './control.js';
import type { SessionRates } from './link-limits.js';
import type { ClientSession } from './sessions.js';

/**
 * The onsite console counts as alive while heard from within this many heartbeat intervals
 * (safety rule 1): stricter than the drop threshold, so a stalled console blocks a start before
 * its socket is even closed.
 */
const ALIVE_WITHIN_INTERVALS = 4;

/**
 * Actions taken however fast they come: stopping and calling for help never wait on a rate. Over
 * it, an emergency stop with nothing left to stop raises no new alarm (onsite-actions.ts), and a
 * call for help stands as it does while the last is unseen; both are audited folded.
 */
const TAKEN_OVER_RATE: ReadonlySet<string> = new Set(['emergency.stop', 'help.call']);

/**
 * The onsite console's side of the safety rules: who is checked in, whether that console is
 * still alive, and the actions only onsite staff may take (gateway/safety/onsite-actions.ts).
 */
export class OnsiteHandler {
  readonly presence = new OnsitePresenceBook();
  private onsiteAlive = false;
  /**
   * @param actions actions each console may take (link-limits.ts `commandsPerSecond`, as the
   *   operator's commands): each is a button pressed, an audit row and often a notice to
   *   everyone. 3,000 emergency stops sent at once held the event loop 4.4 s and raised 3,000 alarms.
   */
  constructor(
    private readonly ctx: GatewayContext,
    private readonly control: ControlDesk,
    private readonly actions: SessionRates,
  ) {}

  /** The onsite part of the snapshot. */
  status(): OnsiteStatus {
    return this.presence.status(this.consoleAlive(), this.control.lossWatch.status());
  }

  consoleAlive(): boolean {
    const present = this.presence.current;
    const session = present ? this.ctx.sessions.get(present.sessionId) : undefined;
    return session !== undefined && session.lastSeen >= Date.now() - ALIVE_WITHIN_INTERVALS * this.ctx.heartbeatIntervalMs;
  }

  /** Health transitions of the onsite console are published and audited (rule 6). */
  checkAlive(): void {
    const alive = this.consoleAlive();
    if (alive === this.onsiteAlive) return;
    this.onsiteAlive = alive;
    const present = this.presence.current;
    this.ctx.store.audit({
      sessionId: present?.sessionId ?? null,
      actor: present?.name ?? null,
      role: 'onsite',
      action: 'onsite console',
      decision: alive ? 'alive' : 'silent',
      code: null,
    });
    if (!alive && present) this.ctx.notice('alarm', `Onsite console of ${present.name} is not responding: no acquisition can start`);
    this.ctx.publishSnapshot();
  }

  /** A greeted session left: if it was the checked-in console, nobody is onsite any more. */
  sessionLeft(session: ClientSession): void {
    if (session.role === 'onsite' && this.presence.checkOut(session.id)) {
      this.ctx.audit(session, 'onsite presence', 'lost', null);
      this.ctx.notice('alarm', `Onsite console of ${session.name} lost: nobody is checked in, no acquisition can start`);
    }
    this.checkAlive();
  }

  action(session: ClientSession, message: OnsiteMessage): void {
    const { id } = message;
    // The check-in's credential level is the account's (ACR MR level), never what was typed.
    const action =
      message.action.name === 'presence.check-in' && session.level ? { ...message.action, credential: LEVEL_CREDENTIAL[session.level] } : message.action;
    let ack: AckMessage;
    let changed = false;
    const paced = this.actions.take(session);
    if (session.role !== 'onsite') {
      ack = rejected(id, ErrorCode.ROLE_FORBIDDEN, `the ${session.role} role has no onsite console powers`);
    } else if (!paced && !TAKEN_OVER_RATE.has(action.name)) {
      ack = rejected(id, ErrorCode.RATE_LIMITED, this.actions.overRate('onsite actions'));
    } else {
      const result = applyOnsiteAction(
        {
          actor: { sessionId: session.id, name: session.name! },
          presence: this.presence,
          scanner: this.ctx.scanner,
          lossWatch: this.control.lossWatch,
          operator: (sessionId) => {
            const s = this.ctx.sessions.get(sessionId);
            return s?.role === 'operator' ? { sessionId: s.id, name: s.name! } : undefined;
          },
          control: () => this.control.holder,
          setControl: (holder) => this.control.setControl(holder, session, action.name),
          notice: (level, text, alarm) => this.ctx.notice(level, text, alarm),
          unseenAlarms: (kind, by) => this.ctx.unseenAlarms(kind, by),
          overRate: !paced,
        },
        action,
      );
      changed = result === null;
      ack =
        result !== null && result !== 'unchanged' ? rejected(id, result.code, result.reason) : { type: 'ack', id, outcome: 'done', code: null, reason: null };
    }
    // Over the rate, a stop or a call for help taken is audited folded with the refusals (gateway.ts FOLDED_REFUSALS).
    const code = ack.outcome === 'done' && !paced ? ErrorCode.RATE_LIMITED : ack.code;
    this.ctx.audit(session, `onsite ${action.name}`, ack.outcome, code, { id, action, reason: ack.reason });
    this.ctx.sessions.send(session, ack);
    if (changed) {
      this.checkAlive();
      this.ctx.publishSnapshot();
    }
  }
}
