import { CREDENTIAL_WORDS, ErrorCode, type NoticeAlarm, type NoticeLevel, type OnsiteAction } from '../../protocol/index.js';
import type { ScannerSimulator } from '../simulator/scanner-simulator.js';
import type { OnsitePresenceBook } from './onsite-presence.js';
import { OnsitePresenceBook as Book, emergencyStopReason } from './onsite-presence.js';
import type { OperatorLossWatch } from './operator-loss.js';
import type { Refusal } from './start-gate.js';
import { formatPersonName } from '../../base/common/person-name.js';

export interface ControlHolder {
  sessionId: string;
  name: string;
}

/** What an onsite action may touch; the gateway provides it. */
export interface OnsiteActionContext {
  actor: { sessionId: string; name: string };
  presence: OnsitePresenceBook;
  scanner: ScannerSimulator;
  lossWatch: OperatorLossWatch;
  /** Connected operator sessions, by id. */
  operator(sessionId: string): ControlHolder | undefined;
  control(): ControlHolder | null;
  setControl(holder: ControlHolder | null): void;
  notice(level: NoticeLevel, text: string, alarm?: NoticeAlarm): void;
  /** The reasons (null: none given) of this person's alarms of this kind that are raised and no one has seen yet. */
  unseenAlarms(kind: 'emergency-stop' | 'help-call', by: string): (string | null)[];
  /**
   * The console sends actions faster than a person presses buttons (gateway/server/onsite-handler.ts):
   * an emergency stop that finds nothing left to stop then raises no new alarm.
   */
  overRate?: boolean;
}

/**
 * Emergency stops of one person with nothing left to stop that may wait unseen on every alarm
 * bar, each with a reason of its own. A new reason is news the technologist at home should read;
 * but a console pressing in a loop with a new reason each time, within the rate of onsite
 * actions, raised 20 alarms a second: in five seconds every other notice, another person's unseen
 * alarm among them, was out of the last 100 a workstation is shown when it connects
 * (docs/architecture.md "Safety rules"). Three unseen say what a fourth would: someone must
 * look. A stop that stops something is always raised.
 */
const UNSEEN_STOPS_PER_PERSON = 3;

/**
 * The onsite console's powers (README "Roles and safety"; docs/architecture.md "Safety rules" 2 and 4). Presence, checklist
 * and granting control belong to the checked-in person; revoking control and the emergency stop
 * are open to any onsite console, because stopping must never wait on paperwork. Null when
 * applied; 'unchanged' when taken with nothing to change (nothing to tell anyone); else why not.
 */
export function applyOnsiteAction(ctx: OnsiteActionContext, action: OnsiteAction): Refusal | 'unchanged' | null {
  const { actor, presence } = ctx;
  switch (action.name) {
    case 'presence.check-in': {
      const present = presence.current;
      if (present && present.sessionId !== actor.sessionId) {
        return { code: ErrorCode.ONSITE_ALREADY_PRESENT, reason: `${present.name} is checked in: they check out first` };
      }
      presence.checkIn(actor.sessionId, actor.name, action.credential);
      ctx.notice('info', `${actor.name} (${CREDENTIAL_WORDS[action.credential]}) checked in at the scanner`);
      return null;
    }
    case 'presence.check-out': {
      if (!presence.checkOut(actor.sessionId)) return notCheckedIn('check out');
      ctx.notice('warning', `${actor.name} checked out: no acquisition can start until someone checks in`);
      return null;
    }
    case 'checklist.confirm': {
      if (!presence.isCheckedIn(actor.sessionId)) return notCheckedIn('confirm the checklist');
      const exam = ctx.scanner.core().exam;
      if (!exam) return { code: ErrorCode.NO_EXAM, reason: 'no exam is open: the checklist belongs to an exam' };
      const missing = Book.missingItems(action.items);
      if (missing.length > 0) return { code: ErrorCode.CHECKLIST_INCOMPLETE, reason: `not confirmed: ${missing.join(', ')}` };
      presence.confirmChecklist(exam.studyUid, actor.name);
      ctx.notice('info', `${actor.name} confirmed screening and positioning for ${formatPersonName(exam.patient.name)}`);
      return null;
    }
    case 'control.grant': {
      if (!presence.isCheckedIn(actor.sessionId)) return notCheckedIn('grant control');
      const operator = ctx.operator(action.sessionId);
      if (!operator) return { code: ErrorCode.NO_SUCH_OPERATOR, reason: 'control goes only to a connected remote operator' };
      ctx.lossWatch.clear();
      ctx.setControl(operator);
      ctx.notice('info', `${actor.name} granted scanner control to ${operator.name}`);
      return null;
    }
    case 'control.revoke': {
      const holder = ctx.control();
      const reserved = ctx.lossWatch.status();
      ctx.lossWatch.clear();
      ctx.setControl(null);
      if (holder || reserved) ctx.notice('warning', `${actor.name} revoked remote control${holder ? ` from ${holder.name}` : ''}: control is onsite`);
      return null;
    }
    case 'emergency.stop': {
      const reason = emergencyStopReason(actor.name, action.reason);
      const running = ctx.scanner.core().activeSequenceId !== null;
      // Never refused, and always applied while there is something to stop. With nothing left to
      // stop, a press raises no new alarm over the rate (a console pressing in a loop had every
      // workstation raise thousands a second, the gateway writing each), nor while this person's
      // alarm with the same reason, or UNSEEN_STOPS_PER_PERSON of theirs, are still on every
      // workstation's alarm bar, seen by no one. Each press is audited all the same.
      const nothingToStop = !running && ctx.control() === null && ctx.lossWatch.status() === null;
      if (nothingToStop && (ctx.overRate || unseenStopSaysIt(ctx.unseenAlarms('emergency-stop', actor.name), action.reason ?? null))) return 'unchanged';
      if (running) ctx.scanner.stop(reason);
      ctx.lossWatch.clear();
      const holder = ctx.control();
      ctx.setControl(null);
      presence.recordEmergency(actor.name, action.reason);
      const detail = `by ${actor.name}: ${running ? 'acquisition stopped' : 'nothing was running'}; remote control revoked${holder ? ` from ${holder.name}` : ''}${action.reason ? ` (${action.reason})` : ''}`;
      ctx.notice('alarm', `EMERGENCY STOP ${detail}`, {
        kind: 'emergency-stop',
        detail,
        by: actor.name,
        scanStopped: running,
        ...(action.reason ? { reason: action.reason } : {}),
      });
      return null;
    }
    case 'help.call': {
      // Like the emergency stop, open to any onsite console: asking for help needs no check-in.
      // Called again before anyone saw the first: that alarm is still on every workstation's
      // alarm bar. A console calling in a loop raised an alarm a call, and pushed older ones
      // (an emergency stop no one had seen) out of what a technologist who connects is shown.
      if (ctx.unseenAlarms('help-call', actor.name).length > 0) return 'unchanged';
      const detail = `by ${actor.name} (onsite)${action.reason ? `: ${action.reason}` : ''}`;
      ctx.notice('alarm', `HELP CALLED ${detail}`, { kind: 'help-call', detail, by: actor.name, ...(action.reason ? { reason: action.reason } : {}) });
      return null;
    }
  }
}

/** Whether this person's unseen emergency stops already say what a new one with `reason` would. */
function unseenStopSaysIt(unseen: (string | null)[], reason: string | null): boolean {
  return unseen.length >= UNSEEN_STOPS_PER_PERSON || unseen.includes(reason);
}

function notCheckedIn(verb: string): Refusal {
  return { code: ErrorCode.NOT_CHECKED_IN, reason: `only the checked-in onsite person may ${verb}: check in first` };
}
