import type { LinkView } from '../../../protocol/api.js';
import { acquisitionUnderway, type QueuedSequence, type ScannerSnapshot } from '../../../protocol/scanner.js';
import { reservedForLostOperator } from '../../../base/common/control-words.js';

/**
 * Whether a control can act now, and if not, the reason shown in its tooltip. The gateway is
 * the authority (it refuses anything these rules let through); these rules only spare the
 * technologist a command that is certain to be refused.
 */
export interface Availability {
  enabled: boolean;
  reason: string | null;
}

export interface ControlContext {
  link: Pick<LinkView, 'status' | 'role' | 'sessionId'>;
  snapshot: ScannerSnapshot | null;
}

const ok: Availability = { enabled: true, reason: null };
const no = (reason: string): Availability => ({ enabled: false, reason });

/** The reasons that block every scanner command, in the order a technologist checks them. */
export function commandAvailability({ link, snapshot }: ControlContext): Availability {
  if (link.status !== 'connected') return no(link.status === 'lost' ? 'Link lost' : 'Link not connected');
  if (link.role === 'observer') return no('Observers cannot command the scanner');
  if (!snapshot) return no('Waiting for scanner state');
  const holder = snapshot.control.holderSessionId;
  if (holder === null) {
    // Safety rule 5: kept for the operator whose link was lost until the grace period ends.
    const loss = snapshot.onsite?.operatorLoss;
    if (loss) return no(`No control: ${reservedForLostOperator(loss)}`);
    return no('No control: nobody holds control; onsite staff must grant it');
  }
  if (holder !== link.sessionId) {
    return no(`No control: held by ${snapshot.control.holderName ?? 'another session'}`);
  }
  return ok;
}

/** Whether this session is an observer (command controls are replaced by a badge). */
export function isObserver(link: Pick<LinkView, 'role'>): boolean {
  return link.role === 'observer';
}

export function nextQueued(snapshot: ScannerSnapshot | null): QueuedSequence | null {
  return snapshot?.queue.find((s) => s.status === 'queued') ?? null;
}

export function activeSequence(snapshot: ScannerSnapshot | null): QueuedSequence | null {
  if (!snapshot || snapshot.activeSequenceId === null) return null;
  return snapshot.queue.find((s) => s.id === snapshot.activeSequenceId) ?? null;
}

export function startAvailability(ctx: ControlContext): Availability {
  const base = commandAvailability(ctx);
  if (!base.enabled) return base;
  const snapshot = ctx.snapshot!;
  if (acquisitionUnderway(snapshot.state)) return no('An acquisition is already running');
  if (!snapshot.exam) return no('No exam open');
  if (!nextQueued(snapshot)) return no('Nothing queued');
  return onsiteReadiness(snapshot);
}

/**
 * The scanner-room conditions the gateway checks before an acquisition (safety rule 1 in
 * gateway/safety/): someone checked in, their console alive, the checklist confirmed for this
 * exam. Gateways that do not report onsite state leave the decision to the gateway alone.
 */
function onsiteReadiness(snapshot: ScannerSnapshot): Availability {
  const onsite = snapshot.onsite;
  if (!onsite) return ok;
  if (!onsite.presence) return no('Nobody is checked in at the scanner');
  if (!onsite.consoleAlive) return no(`The onsite console of ${onsite.presence.name} is not responding`);
  if (!snapshot.exam || onsite.checklist.studyUid !== snapshot.exam.studyUid || !onsite.checklist.confirmedBy) {
    return no('The onsite safety checklist is not confirmed for this exam');
  }
  return ok;
}

export function pauseAvailability(ctx: ControlContext): Availability {
  const base = commandAvailability(ctx);
  if (!base.enabled) return base;
  return ctx.snapshot!.state === 'acquiring' ? ok : no('Nothing is acquiring');
}

export function resumeAvailability(ctx: ControlContext): Availability {
  const base = commandAvailability(ctx);
  if (!base.enabled) return base;
  return ctx.snapshot!.state === 'paused' ? ok : no('Nothing is paused');
}

export function stopAvailability(ctx: ControlContext): Availability {
  const base = commandAvailability(ctx);
  if (!base.enabled) return base;
  const state = ctx.snapshot!.state;
  return acquisitionUnderway(state) ? ok : no('Nothing is acquiring');
}

export function openExamAvailability(ctx: ControlContext): Availability {
  const base = commandAvailability(ctx);
  if (!base.enabled) return base;
  return ctx.snapshot!.exam ? no('An exam is already open') : ok;
}

export function closeExamAvailability(ctx: ControlContext): Availability {
  const base = commandAvailability(ctx);
  if (!base.enabled) return base;
  const snapshot = ctx.snapshot!;
  if (!snapshot.exam) return no('No exam open');
  if (acquisitionUnderway(snapshot.state)) return no('Stop the acquisition first');
  return ok;
}

export function queueAddAvailability(ctx: ControlContext): Availability {
  const base = commandAvailability(ctx);
  if (!base.enabled) return base;
  const snapshot = ctx.snapshot!;
  if (!snapshot.exam) return no('No exam open');
  if (snapshot.library.length === 0) return no('The scanner offers no protocols');
  return ok;
}

/** Only sequences still waiting can be edited, moved or removed. */
export function queueItemAvailability(ctx: ControlContext, sequence: QueuedSequence): Availability {
  const base = commandAvailability(ctx);
  if (!base.enabled) return base;
  return sequence.status === 'queued' ? ok : no(`Sequence is ${sequence.status}`);
}

/**
 * Target index for moving a queued sequence one place up or down, or null when it cannot move:
 * it only swaps with a neighbour that is also still queued, so the order of what has already run
 * is never rewritten.
 */
export function moveTarget(queue: readonly QueuedSequence[], sequenceId: string, direction: -1 | 1): number | null {
  const index = queue.findIndex((s) => s.id === sequenceId);
  if (index < 0 || queue[index].status !== 'queued') return null;
  const target = index + direction;
  if (target < 0 || target >= queue.length) return null;
  return queue[target].status === 'queued' ? target : null;
}

/** Seconds of acquisition still ahead: the active sequence's remainder plus everything queued. */
export function queueRemainingS(snapshot: ScannerSnapshot | null): number {
  if (!snapshot) return 0;
  return snapshot.queue.reduce((total, s) => {
    if (s.status === 'queued') return total + s.acquisitionTimeS;
    if (acquisitionUnderway(s.status)) return total + s.remainingS;
    return total;
  }, 0);
}
