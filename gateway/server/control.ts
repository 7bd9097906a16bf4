import { resumes } from '../auth/resume-secrets.js';
import type { ControlHolder } from '../safety/onsite-actions.js';
import { OperatorLossWatch, type LostOperator } from '../safety/operator-loss.js';
import type { GatewayContext } from './context.js';
import type { ClientSession } from './sessions.js';

export interface ControlSettings {
  /**
   * Give control to the first operator who connects (the old single-person demo). Off by
   * default: the checked-in onsite person grants control (docs/architecture.md "Safety rules", rule 2).
   */
  autoGrantControl?: boolean;
  /** What happens to a running sequence when the control holder's link is lost (default finish). */
  operatorLossAction?: 'finish' | 'pause' | 'stop';
}

/**
 * Scanner control (safety rule 2): who holds it, handing it over on reconnect, and what happens
 * when the holder's link is lost (rule 5), including the grace period before it returns to onsite.
 */
export class ControlDesk {
  /** Granted by onsite, revoked by onsite or by an emergency stop. */
  private control: ControlHolder | null = null;
  /** Who may take back control reserved after a link loss: that signed-in user with a secret that resumes the lost session. */
  private reservedFor: { userId: string; lost: ClientSession } | null = null;
  readonly lossWatch = new OperatorLossWatch((lost) => this.controlReturnedToOnsite(lost));

  constructor(
    private readonly ctx: GatewayContext,
    private readonly settings: ControlSettings,
  ) {}

  get holder(): ControlHolder | null {
    return this.control;
  }

  setControl(holder: ControlHolder | null, by: ClientSession | null, why: string): void {
    const before = this.control;
    this.control = holder;
    this.ctx.store.audit({
      sessionId: by?.id ?? null,
      actor: by?.name ?? 'gateway',
      role: by?.role ?? null,
      action: 'control',
      decision: holder ? `granted to ${holder.name}` : 'onsite',
      code: null,
      detail: { from: before?.name ?? null, why },
    });
  }

  /**
   * An operator said hello: give back control reserved after a link loss, take it over from a
   * stale session of the same operator, or the demo's auto-grant. Returns what to announce once
   * the operator has its welcome.
   */
  operatorArrived(session: ClientSession, presentedSecret?: string): { level: 'info'; text: string }[] {
    const name = session.name!;
    const reserved = this.reservedFor;
    // The name is public (every snapshot shows it): only the same account holding the lost
    // session's resume secret takes control back.
    if (reserved && reserved.userId === session.userId && resumes(reserved.lost, presentedSecret) && this.lossWatch.reclaim(name)) {
      this.reservedFor = null;
      this.setControl({ sessionId: session.id, name }, session, 'reconnected within the grace period');
      return [{ level: 'info', text: `${name} is back: scanner control restored` }];
    }
    const stale = this.staleHolderOf(session, presentedSecret);
    if (stale) {
      // A cut the gateway cannot see yet (no FIN, heartbeat deadline not reached), or a welcome
      // lost on the way: the holder's old session still looks alive. The same operator (same
      // account, a secret that resumes that session) reconnecting is proof enough that it is
      // dead; without this the operator would never get control back.
      this.ctx.audit(stale, 'session', 'terminated', null, { reason: 'superseded by reconnect', by: session.id });
      this.setControl({ sessionId: session.id, name }, session, 'superseded by reconnect');
      stale.ws.terminate();
      return [{ level: 'info', text: `${name} reconnected: scanner control moved to the new link` }];
    }
    if (this.settings.autoGrantControl && this.control === null && this.lossWatch.status() === null) {
      this.setControl({ sessionId: session.id, name }, session, 'autoGrantControl');
    }
    return [];
  }

  /** A greeted session left: losing the holder's link is rule 5. */
  sessionLeft(session: ClientSession): void {
    if (this.control?.sessionId === session.id) this.operatorLost(session);
  }

  /** Stop the grace timers (gateway shutdown). */
  clear(): void {
    this.reservedFor = null;
    this.lossWatch.clear();
  }

  /**
   * The control holder's earlier session when `session` is that operator again: role operator on
   * both, the same signed-in user, and the new hello presents a secret that resumes the old
   * session (resume-secrets.ts `resumes`).
   * An observer, another user, or the same name alone never inherits control.
   */
  private staleHolderOf(session: ClientSession, presentedSecret: string | undefined): ClientSession | undefined {
    const holder = this.control;
    if (!holder || holder.sessionId === session.id) return undefined;
    const previous = this.ctx.sessions.get(holder.sessionId);
    if (!previous || previous.role !== 'operator' || session.role !== 'operator') return undefined;
    if (!previous.userId || previous.userId !== session.userId) return undefined;
    return resumes(previous, presentedSecret) ? previous : undefined;
  }

  /** Rule 5: the control holder's link is gone. */
  private operatorLost(session: ClientSession): void {
    const { policy, scanner } = this.ctx;
    const name = session.name!;
    const action = this.settings.operatorLossAction ?? 'finish';
    this.setControl(null, session, 'operator link lost');
    const lost = this.lossWatch.begin(name, policy.controlGraceS);
    this.reservedFor = session.userId && session.resumeSecret ? { userId: session.userId, lost: session } : null;
    const core = scanner.core();
    const running = core.queue.find((s) => s.id === core.activeSequenceId);
    let fate = 'nothing was running';
    if (running && action === 'stop') {
      scanner.stop(`operator ${name} link lost (site policy: stop)`);
      fate = `${running.name} stopped`;
    } else if (running && action === 'pause' && running.status === 'acquiring') {
      scanner.pause();
      fate = `${running.name} paused`;
    } else if (running) {
      fate = `${running.name} ${running.status === 'paused' ? 'stays paused' : 'runs to completion'}`;
    }
    this.ctx.audit(session, 'operator link', 'lost', null, {
      policy: action,
      running: running?.name ?? null,
      controlReturnsAt: lost.controlReturnsAt.toISOString(),
    });
    const consequences = `${fate}; nothing new starts. Control returns to onsite in ${policy.controlGraceS} s unless ${name} reconnects.`;
    this.ctx.notice('alarm', `Operator ${name}: link lost. ${consequences}`, { kind: 'operator-loss', detail: `${name}: ${consequences}`, by: name });
  }

  private controlReturnedToOnsite(lost: LostOperator): void {
    const { policy } = this.ctx;
    this.ctx.store.audit({
      sessionId: null,
      actor: 'gateway',
      role: null,
      action: 'control',
      decision: 'returned to onsite',
      code: null,
      detail: { operator: lost.name, graceS: policy.controlGraceS },
    });
    this.ctx.notice('warning', `${lost.name} did not reconnect within ${policy.controlGraceS} s: scanner control is with onsite staff`);
    this.ctx.publishSnapshot();
  }
}
