import { ErrorCode, LarmorError, type AckMessage, type CommandMessage, type CommandStatus, type CommandStatusMessage } from '../../protocol/index.js';
import { refuseAcquisitionStart, type Refusal } from '../safety/start-gate.js';
import { rejected } from './acks.js';
import { applyCommand } from './command-dispatch.js';
import type { GatewayContext } from './context.js';
import type { ControlDesk } from './control.js';
import type { OnsiteHandler } from './onsite-handler.js';
import type { ClientSession } from './sessions.js';

export interface CommandSettings {
  /** Refuse scan.start until the onsite checklist is confirmed for the exam (default true). */
  requireChecklist?: boolean;
}

/**
 * Operator commands, exactly once: a command id's outcome is stored before it is reported and
 * answered from the store on a resend; only the control holder commands, and starts pass the
 * safety rules first (gateway/safety/).
 */
export class CommandHandler {
  /** Operator who started the running acquisition (safety rule 3). */
  private activeStartedBy: string | null = null;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly control: ControlDesk,
    private readonly onsite: OnsiteHandler,
    private readonly settings: CommandSettings,
  ) {}

  command(session: ClientSession, message: CommandMessage): void {
    const { store, scanner, sessions } = this.ctx;
    const { id, command } = message;
    const actor = session.name ?? 'unknown';
    const known = store.outcomeOf(id);
    if (known) {
      this.ctx.audit(session, `command ${command.name}`, 'duplicate', known.code, { id });
      sessions.send(session, { type: 'ack', id, ...known });
      return;
    }
    let ack: AckMessage;
    let refusal: Refusal | null;
    const holder = this.control.holder;
    if (session.role !== 'operator') {
      ack = rejected(id, ErrorCode.ROLE_FORBIDDEN, `the ${session.role} role cannot command the scanner`);
    } else if (holder?.sessionId !== session.id) {
      const holderName = holder?.name ?? null;
      ack = rejected(
        id,
        ErrorCode.NOT_CONTROL_HOLDER,
        holderName ? `${holderName} holds scanner control` : 'the onsite technologist has not granted you scanner control',
      );
    } else if ((refusal = this.refuseCommand(command, actor))) {
      ack = rejected(id, refusal.code, refusal.reason);
    } else {
      try {
        applyCommand(scanner, command, actor);
        if (command.name === 'scan.start') this.activeStartedBy = actor;
        ack = { type: 'ack', id, outcome: 'done', code: null, reason: null };
      } catch (err) {
        if (!(err instanceof LarmorError)) throw err;
        ack = rejected(id, err.code, err.message);
      }
    }
    // Durable before it is reported: a resend after a crash finds the same outcome.
    store.rememberOutcome(ack, actor, command.name);
    this.ctx.audit(session, `command ${command.name}`, ack.outcome, ack.code, { id, command, reason: ack.reason });
    sessions.send(session, ack);
  }

  /**
   * Lookup only (never applies anything): the stored outcome of each id. An id never received
   * is sealed as not applied, so a copy of the command still on its way (a half-dead route)
   * cannot run after the workstation was told it did not.
   */
  commandStatus(session: ClientSession, message: CommandStatusMessage): void {
    const { store } = this.ctx;
    const results: CommandStatus[] = [];
    let unknown = 0;
    for (const id of new Set(message.ids)) {
      const known = store.outcomeOf(id);
      if (known) {
        results.push({ id, known: true, outcome: known.outcome, code: known.code, reason: known.reason });
        continue;
      }
      unknown++;
      store.rememberOutcome(
        rejected(id, ErrorCode.NOT_APPLIED, 'looked up before it arrived: the gateway never received it; it was not applied'),
        session.name ?? 'unknown',
        'command.status',
      );
      results.push({ id, known: false });
    }
    this.ctx.audit(session, 'command.status', 'answered', null, { ids: results.map((r) => r.id), unknown });
    this.ctx.sessions.send(session, { type: 'command.status.result', results });
  }

  /** Safety rules a control holder's command must still pass: starting (or resuming) an acquisition. */
  private refuseCommand(command: CommandMessage['command'], operator: string): Refusal | null {
    if (command.name !== 'scan.start' && command.name !== 'scan.resume') return null;
    return this.refuseStart(operator, command.name === 'scan.resume');
  }

  /** Rule 1 (onsite present, console alive, checklist) and rule 3 (one acquisition per operator). */
  private refuseStart(operator: string, resuming: boolean): Refusal | null {
    const { scanner } = this.ctx;
    const { presence } = this.onsite;
    const exam = scanner.core().exam;
    return refuseAcquisitionStart({
      operator,
      onsiteCheckedIn: presence.current !== null,
      onsiteConsoleAlive: this.onsite.consoleAlive(),
      checklistRequired: this.settings.requireChecklist ?? true,
      checklistConfirmed: presence.checklistConfirmedFor(exam?.studyUid ?? null),
      activeStartedBy: scanner.core().activeSequenceId ? this.activeStartedBy : null,
      resuming,
    });
  }
}
