import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  MARK_POINT_DECIMALS,
  MAX_MARKS_PER_EXAM,
  MAX_MARKS_PER_IMAGE,
  MAX_PENDING_PROPOSALS_PER_PERSON,
  type AckMessage,
  type ChatEntry,
  type CollabAction,
  type CollabMessage,
  type CollabState,
  type ContingencyPlan,
  type GatewayEventBody,
  type Handover,
  type Mark,
  type Proposal,
} from '../../protocol/index.js';
import { rejected } from '../server/acks.js';
import type { SessionRates } from '../server/link-limits.js';
import type { GatewayContext } from '../server/context.js';
import type { ControlDesk } from '../server/control.js';
import type { ClientSession } from '../server/sessions.js';
import { SentImages } from './sent-images.js';

export interface CollaborationDeps {
  control: ControlDesk;
  /** The checked-in onsite person's session id, or null. */
  checkedInOnsite(): string | null;
  /** Apply a scanner command as `holder` (the command handler: control, safety rules, exactly once). */
  applyAs(holder: ClientSession, id: string, command: Proposal['command']): AckMessage | undefined;
  /** The newest event sequence number. */
  lastSeq(): number;
  /** `session` has acknowledged the alarm of event `seq`: tell whoever raised it. */
  alarmSeen(session: ClientSession, seq: number): void;
  /** Whether event `seq` raised an alarm kept for acknowledgement that `session`'s person has not acknowledged yet. */
  alarmNewTo(session: ClientSession, seq: number): boolean;
  /** Publish one sequenced event to every greeted client. */
  publish(body: GatewayEventBody): void;
  /**
   * What one person may add to what everyone shares (chat lines, marks, proposals), per second
   * and at once: each is sent to every client and written to the audit trail, so a session at
   * the message rate would have every workstation take, and the disk write, a thousand a second.
   * People type and draw a few a second (link-limits.ts `sharedActionsPerSecond`).
   */
  sharedActions: SessionRates;
}

type Refusal = { code: string; reason: string };

/**
 * Confirming or cancelling a handover of control is never held back by the rate of shared
 * actions (CollaborationDeps.sharedActions), nor is acknowledging an alarm the person has not
 * acknowledged yet. An offer is: each new one is a notice to every client, and a holder offering
 * in a loop pushed the onsite console's standing alarms out of its list of notices. So is
 * acknowledging again, or an event that raised no alarm kept: each was an audit row, and a client
 * acknowledging in a loop wrote 2,811 of them in 3,000 messages.
 */
const UNLIMITED_ACTIONS: ReadonlySet<CollabAction['name']> = new Set(['handover.confirm', 'handover.cancel']);

/** A point held to MARK_POINT_DECIMALS: what a pointer gives carries some fifteen digits, which every client would receive. */
function roundedPoint([x, y]: readonly [number, number]): [number, number] {
  const scale = 10 ** MARK_POINT_DECIMALS;
  return [Math.round(x * scale) / scale, Math.round(y * scale) / scale];
}

/**
 * "Scanning with you" at the gateway (docs/architecture.md "Collaboration"): chat, marks on
 * images, proposals, handover of control and the contingency plans. Every action is answered
 * with exactly one ack and audited; observers are receive-only; handover, like every change of
 * control, takes effect only when the checked-in onsite person confirms (safety rule 2).
 */
export class CollaborationDesk {
  readonly sentImages = new SentImages();
  private readonly marks = new Map<string, Mark[]>();
  /** Marks on every image of the exam, kept with `marks`: the exam's limit is checked without counting them again. */
  private markCount = 0;
  private readonly proposals = new Map<string, Proposal>();
  private handover: Handover | null = null;
  private studyUid: string | null = null;
  private plansVersion = -1;
  private plansCache: ContingencyPlan[] = [];
  constructor(
    private readonly ctx: GatewayContext,
    private readonly deps: CollaborationDeps,
  ) {
    this.studyUid = ctx.scanner.core().exam?.studyUid ?? null;
    this.refreshPlans();
  }

  /** What a client that joins or resumes needs to catch up (sent after its welcome). */
  state(): CollabState {
    return {
      chat: this.ctx.store.collaboration.chatOf(this.studyUid),
      marks: [...this.marks.values()].flat(),
      proposals: [...this.proposals.values()],
      handover: this.handover,
      plans: this.plansCache,
    };
  }

  plans(): ContingencyPlan[] {
    return this.plansCache;
  }

  /**
   * The scanner changed: a new exam starts with no marks and no pending proposals (they were
   * about the previous patient's images and queue).
   */
  scannerChanged(): void {
    const studyUid = this.ctx.scanner.core().exam?.studyUid ?? null;
    if (studyUid === this.studyUid) return;
    this.studyUid = studyUid;
    this.marks.clear();
    this.markCount = 0;
    for (const proposal of [...this.proposals.values()]) this.settle(proposal, 'withdrawn', 'gateway', 'the exam changed');
  }

  /** Another process (the `plans` command) may have written a plan: publish the new set. */
  refreshPlans(): boolean {
    const version = this.ctx.store.collaboration.plansVersion();
    if (version === this.plansVersion) return false;
    this.plansVersion = version;
    this.plansCache = this.ctx.store.collaboration.plans();
    const comms = this.plansCache.find((p) => p.kind === 'communication-failure');
    // The failover banner's fallback text is the site's written communication-failure plan.
    if (comms?.text) this.ctx.policy.fallbackInstructions = comms.text;
    return true;
  }

  publishPlansIfChanged(): void {
    if (this.refreshPlans()) this.deps.publish({ kind: 'plans', plans: this.plansCache });
  }

  /** Control changed hands or a session left: a pending handover that no longer fits is cancelled. */
  controlMayHaveChanged(): void {
    const h = this.handover;
    if (h?.status !== 'awaiting-onsite') return;
    const holder = this.deps.control.holder;
    if (holder?.sessionId !== h.from.sessionId) return this.endHandover('cancelled', `${h.from.name} no longer holds control`);
    if (this.ctx.sessions.get(h.to.sessionId)?.role !== 'operator') this.endHandover('cancelled', `${h.to.name} left`);
  }

  handle(session: ClientSession, message: CollabMessage): void {
    const { id, action } = message;
    const refusal =
      session.role === 'observer'
        ? { code: ErrorCode.OBSERVER_RECEIVE_ONLY, reason: 'observers are receive-only: chat, marks and proposals are for the operator and onsite staff' }
        : (this.overRate(session, action) ?? this.apply(session, action));
    const ack: AckMessage = refusal ? rejected(id, refusal.code, refusal.reason) : { type: 'ack', id, outcome: 'done', code: null, reason: null };
    this.ctx.audit(session, `collab ${action.name}`, ack.outcome, ack.code, { id, action: auditable(action), reason: ack.reason });
    this.ctx.sessions.send(session, ack);
  }

  private overRate(session: ClientSession, action: CollabAction): Refusal | null {
    if (action.name === 'alarm.acknowledge' ? this.deps.alarmNewTo(session, action.seq) : UNLIMITED_ACTIONS.has(action.name)) return null;
    if (this.deps.sharedActions.take(session)) return null;
    return {
      code: ErrorCode.RATE_LIMITED,
      reason: this.deps.sharedActions.overRate('chat lines, marks and proposals'),
    };
  }

  private apply(session: ClientSession, action: CollabAction): Refusal | null {
    switch (action.name) {
      case 'chat.send':
        return this.chat(session, action.text);
      case 'mark.add':
        return this.addMark(session, action);
      case 'mark.clear':
        return this.clearMarks(action.sopInstanceUid);
      case 'proposal.make':
        return this.propose(session, action.command);
      case 'proposal.answer':
        return this.answer(session, action.proposalId, action.accept);
      case 'proposal.withdraw':
        return this.withdraw(session, action.proposalId);
      case 'handover.offer':
        return this.offerHandover(session, action.toSessionId);
      case 'handover.confirm':
        return this.confirmHandover(session, action.handoverId);
      case 'handover.cancel':
        return this.cancelHandover(session, action.handoverId);
      case 'alarm.acknowledge':
        // The ack and its audit row (written by handle) are the record: who saw which alarm, when.
        if (action.seq > this.deps.lastSeq()) return { code: ErrorCode.INVALID_PARAMETER, reason: `event ${action.seq} has not happened yet` };
        this.deps.alarmSeen(session, action.seq);
        return null;
    }
  }

  private chat(session: ClientSession, text: string): null {
    const entry: ChatEntry = {
      id: randomUUID(),
      at: new Date().toISOString(),
      studyUid: this.studyUid,
      from: { name: session.name!, role: session.role! },
      text,
    };
    this.ctx.store.collaboration.addChat(entry);
    this.deps.publish({ kind: 'chat', entry });
    return null;
  }

  private addMark(session: ClientSession, action: Extract<CollabAction, { name: 'mark.add' }>): Refusal | null {
    if (!this.sentImages.has(action.sopInstanceUid)) {
      return { code: ErrorCode.MARK_UNKNOWN_IMAGE, reason: `image ${action.sopInstanceUid} was never sent by this gateway` };
    }
    const marks = this.marks.get(action.sopInstanceUid) ?? [];
    if (marks.length >= MAX_MARKS_PER_IMAGE)
      return { code: ErrorCode.MARK_LIMIT, reason: `an image holds at most ${MAX_MARKS_PER_IMAGE} marks: clear some first` };
    if (this.markCount >= MAX_MARKS_PER_EXAM)
      return { code: ErrorCode.MARK_LIMIT, reason: `an exam holds at most ${MAX_MARKS_PER_EXAM} marks: clear some first` };
    const mark: Mark = {
      id: randomUUID(),
      at: new Date().toISOString(),
      sopInstanceUid: action.sopInstanceUid,
      shape: action.shape,
      points: action.points.map(roundedPoint),
      by: { name: session.name!, role: session.role! },
    };
    this.marks.set(action.sopInstanceUid, [...marks, mark]);
    this.markCount++;
    this.deps.publish({ kind: 'mark', mark });
    return null;
  }

  private clearMarks(sopInstanceUid: string): Refusal | null {
    if (!this.sentImages.has(sopInstanceUid)) return { code: ErrorCode.MARK_UNKNOWN_IMAGE, reason: `image ${sopInstanceUid} was never sent by this gateway` };
    this.markCount -= this.marks.get(sopInstanceUid)?.length ?? 0;
    this.marks.delete(sopInstanceUid);
    this.deps.publish({ kind: 'marks', sopInstanceUid, marks: [] });
    return null;
  }

  private propose(session: ClientSession, command: Proposal['command']): Refusal | null {
    const holder = this.deps.control.holder;
    if (!holder) return { code: ErrorCode.NO_CONTROL_HOLDER, reason: 'nobody holds scanner control: there is no one to accept a proposal' };
    if (holder.sessionId === session.id) return { code: ErrorCode.INVALID_STATE, reason: 'you hold control: send the command itself' };
    // By name: a person who reconnects (a new session) still has the ones they made before.
    const waiting = [...this.proposals.values()].filter((p) => p.by.name === session.name).length;
    if (waiting >= MAX_PENDING_PROPOSALS_PER_PERSON) {
      return {
        code: ErrorCode.PROPOSAL_LIMIT,
        reason: `${waiting} of your proposals are waiting for ${holder.name}'s answer: withdraw one, or wait for an answer`,
      };
    }
    const proposal: Proposal = {
      id: randomUUID(),
      at: new Date().toISOString(),
      by: { sessionId: session.id, name: session.name!, role: session.role! },
      command,
      status: 'pending',
      answer: null,
    };
    this.proposals.set(proposal.id, proposal);
    this.deps.publish({ kind: 'proposal', proposal });
    return null;
  }

  private answer(session: ClientSession, proposalId: string, accept: boolean): Refusal | null {
    const proposal = this.proposals.get(proposalId);
    if (!proposal) return { code: ErrorCode.UNKNOWN_PROPOSAL, reason: 'no such pending proposal' };
    const holder = this.deps.control.holder;
    if (holder?.sessionId !== session.id) return { code: ErrorCode.NOT_CONTROL_HOLDER, reason: 'only the control holder accepts or declines proposals' };
    if (!accept) {
      this.settle(proposal, 'declined', session.name!, `declined by ${session.name}`);
      return null;
    }
    // Applied as the holder's own command: control, the safety rules and exactly-once all apply.
    const ack = this.deps.applyAs(session, `proposal-${proposal.id}`.slice(0, 64), proposal.command);
    const note =
      ack?.outcome === 'done' ? `accepted by ${session.name}` : `accepted by ${session.name}, but the scanner refused it: ${ack?.reason ?? 'no outcome'}`;
    this.settle(proposal, 'accepted', session.name!, note);
    return null;
  }

  private withdraw(session: ClientSession, proposalId: string): Refusal | null {
    const proposal = this.proposals.get(proposalId);
    if (!proposal || proposal.by.sessionId !== session.id) return { code: ErrorCode.UNKNOWN_PROPOSAL, reason: 'no pending proposal of yours with that id' };
    this.settle(proposal, 'withdrawn', session.name!, `withdrawn by ${session.name}`);
    return null;
  }

  private settle(proposal: Proposal, status: Proposal['status'], by: string, note: string): void {
    // A settled proposal is published once and forgotten: only pending ones are kept.
    this.proposals.delete(proposal.id);
    this.deps.publish({ kind: 'proposal', proposal: { ...proposal, status, answer: { by, at: new Date().toISOString(), note } } });
  }

  private offerHandover(session: ClientSession, toSessionId: string): Refusal | null {
    const holder = this.deps.control.holder;
    if (!holder) return { code: ErrorCode.NO_CONTROL_HOLDER, reason: 'nobody holds scanner control' };
    if (holder.sessionId !== session.id) return { code: ErrorCode.NOT_CONTROL_HOLDER, reason: 'only the control holder hands control over' };
    const target = this.ctx.sessions.get(toSessionId);
    if (target?.role !== 'operator' || target.id === session.id)
      return { code: ErrorCode.NO_SUCH_OPERATOR, reason: 'control goes only to another connected remote operator' };
    const pending = this.handover?.status === 'awaiting-onsite' ? this.handover : null;
    // The same offer again (a second click) stands as it is: no new offer, no new notice.
    if (pending && pending.from.sessionId === session.id && pending.to.sessionId === target.id) return null;
    if (pending) this.endHandover('cancelled', 'replaced by a new handover');
    this.handover = {
      id: randomUUID(),
      at: new Date().toISOString(),
      from: { sessionId: session.id, name: session.name!, role: 'operator' },
      to: { sessionId: target.id, name: target.name!, role: 'operator' },
      status: 'awaiting-onsite',
      note: null,
    };
    this.deps.publish({ kind: 'handover', handover: this.handover });
    this.ctx.notice('info', `${session.name} offers scanner control to ${target.name}: onsite staff, please confirm`);
    return null;
  }

  private confirmHandover(session: ClientSession, handoverId: string): Refusal | null {
    const h = this.handover;
    if (!h || h.id !== handoverId || h.status !== 'awaiting-onsite')
      return { code: ErrorCode.UNKNOWN_HANDOVER, reason: 'no handover awaiting confirmation with that id' };
    if (session.role !== 'onsite' || this.deps.checkedInOnsite() !== session.id) {
      return { code: ErrorCode.NOT_CHECKED_IN, reason: 'only the checked-in onsite person confirms a handover (onsite grants control)' };
    }
    this.controlMayHaveChanged();
    if (this.handover?.status !== 'awaiting-onsite') return { code: ErrorCode.UNKNOWN_HANDOVER, reason: this.handover?.note ?? 'the handover was cancelled' };
    this.deps.control.setControl({ sessionId: h.to.sessionId, name: h.to.name }, session, `handover from ${h.from.name} confirmed onsite`);
    this.endHandover('done', `confirmed by ${session.name}`);
    this.ctx.notice('info', `${session.name} confirmed the handover: ${h.to.name} now holds scanner control`);
    this.ctx.publishSnapshot();
    return null;
  }

  private cancelHandover(session: ClientSession, handoverId: string): Refusal | null {
    const h = this.handover;
    if (!h || h.id !== handoverId || h.status !== 'awaiting-onsite')
      return { code: ErrorCode.UNKNOWN_HANDOVER, reason: 'no handover awaiting confirmation with that id' };
    const involved = session.id === h.from.sessionId || session.id === h.to.sessionId || session.role === 'onsite';
    if (!involved) return { code: ErrorCode.ROLE_FORBIDDEN, reason: 'only the two operators or onsite staff cancel a handover' };
    this.endHandover('cancelled', `cancelled by ${session.name}`);
    return null;
  }

  private endHandover(status: 'done' | 'cancelled', note: string): void {
    if (!this.handover) return;
    this.handover = { ...this.handover, status, note };
    this.deps.publish({ kind: 'handover', handover: this.handover });
  }
}

/** Chat text and mark paths are content, not decisions: the audit keeps their size, not the text. */
function auditable(action: CollabAction): unknown {
  if (action.name === 'chat.send') return { name: action.name, chars: action.text.length };
  if (action.name === 'mark.add') return { name: action.name, sopInstanceUid: action.sopInstanceUid, shape: action.shape, points: action.points.length };
  return action;
}
