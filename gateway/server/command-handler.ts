import { ErrorCode, LarmorError, type AckMessage, type CommandMessage, type CommandStatus, type CommandStatusMessage } from '../../protocol/index.js';
import { refuseAcquisitionStart, type Refusal } from '../safety/start-gate.js';
import { rejected } from './acks.js';
import { applyCommand } from './command-dispatch.js';
import type { GatewayContext } from './context.js';
import type { ControlDesk } from './control.js';
import type { SessionRates } from './link-limits.js';
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

  /**
   * @param rates each session's commands (link-limits.ts `commandsPerSecond`) and its seals of
   *   unknown ids (`commandSealsPerSecond`).
   */
  constructor(
    private readonly ctx: GatewayContext,
    private readonly control: ControlDesk,
    private readonly onsite: OnsiteHandler,
    private readonly settings: CommandSettings,
    private readonly rates: { commands: SessionRates; seals: SessionRates },
  ) {}

  command(session: ClientSession, message: CommandMessage): void {
    const { store, scanner, sessions } = this.ctx;
    const { id, command } = message;
    const actor = session.name ?? 'unknown';
    const paced = this.rates.commands.take(session);
    const known = store.outcomeOf(id);
    if (known) {
      // Always answered as first decided; over the rate, with no row of its own.
      if (paced) this.ctx.audit(session, `command ${command.name}`, 'duplicate', known.code, { id });
      sessions.send(session, { type: 'ack', id, ...known });
      return;
    }
    if (!mayCommand(session)) {
      // Its outcome is not stored. Outcomes are kept so that a resend of an id gets the same
      // answer and runs at most once; but nothing from a session of this role ever runs, and
      // every resend from it is refused again just the same. Storing it would let such a session,
      // which may not command, write a durable row per message. Audited as every refusal
      // (docs/architecture.md, "Safety rules", rule 6).
      const ack = rejected(id, ErrorCode.ROLE_FORBIDDEN, `the ${session.role} role cannot command the scanner`);
      this.ctx.audit(session, `command ${command.name}`, ack.outcome, ack.code, { id, command, reason: ack.reason });
      sessions.send(session, ack);
      return;
    }
    if (!paced) {
      // Not stored, like a command of a role that may not command: it never ran, and a later send
      // of the same id is judged afresh. Audited folded (gateway.ts FOLDED_REFUSALS).
      const ack = rejected(id, ErrorCode.RATE_LIMITED, this.rates.commands.overRate('commands'));
      this.ctx.audit(session, `command ${command.name}`, ack.outcome, ack.code, { id, reason: ack.reason });
      sessions.send(session, ack);
      return;
    }
    let ack: AckMessage;
    let refusal: Refusal | null;
    const holder = this.control.holder;
    if (holder?.sessionId !== session.id) {
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
    // Durable before it is reported: a resend after a crash finds the same outcome. With its
    // audit row, in one commit: one fsync a command, not two.
    store.rememberOutcomes([ack], actor, command.name, () =>
      this.ctx.audit(session, `command ${command.name}`, ack.outcome, ack.code, { id, command, reason: ack.reason }),
    );
    sessions.send(session, ack);
  }

  /**
   * Lookup only (never applies anything): the stored outcome of each id. For a session that may
   * command, an id never received is sealed as not applied, so a copy of the command still on its
   * way (a half-dead route) cannot run after the workstation was told it did not
   * (docs/architecture.md, "Wire protocol", `command.status`). All of one message's ids are sealed
   * in one transaction, with the audit row that records it: one commit a message.
   *
   * A session that may not command gets only the outcomes already stored: an id the gateway never
   * received is left out of its answer, neither sealed nor said to be unknown. Nothing such a
   * session sent can run, so it has nothing to seal; and `known: false` promises the command
   * will never run, which only a seal keeps (its workstation, signed in with another role
   * before, may still have a copy of an operator's command on its way). Left out, the id stays
   * pending on the workstation, asked again at its next connection (main/core/command-relay.ts).
   *
   * Seals are rate limited per session (link-limits.ts `commandSealsPerSecond`): past the limit, the
   * lookup's unknown ids are left out of its answer as for a session that may not command.
   *
   * A lookup that seals nothing changes nothing and is not audited: it is an inquiry, not a
   * command, a refusal or a control change (rule 6), and a row each would be a commit each.
   */
  commandStatus(session: ClientSession, message: CommandStatusMessage): void {
    const { store } = this.ctx;
    const seals = mayCommand(session);
    const results: CommandStatus[] = [];
    const unknown: string[] = [];
    for (const id of new Set(message.ids)) {
      const known = store.outcomeOf(id);
      if (known) {
        results.push({ id, known: true, outcome: known.outcome, code: known.code, reason: known.reason });
      } else if (seals) {
        unknown.push(id);
        results.push({ id, known: false });
      }
    }
    if (unknown.length > 0 && !this.rates.seals.take(session, unknown.length)) {
      // Left out, as for a session that may not command: they stay pending on the workstation,
      // asked again at its next connection. The refusal is folded per session (gateway.ts audit).
      this.ctx.audit(session, 'command.status', 'rejected', ErrorCode.RATE_LIMITED, {
        ids: unknown.length,
        reason: `more than ${this.rates.seals.burst} command ids sealed at once, or ${this.rates.seals.perSecond} a second after that`,
      });
      const sealed = new Set(unknown);
      this.ctx.sessions.send(session, { type: 'command.status.result', results: results.filter((r) => !sealed.has(r.id)) });
      return;
    }
    if (unknown.length > 0) {
      store.rememberOutcomes(
        unknown.map((id) => rejected(id, ErrorCode.NOT_APPLIED, 'looked up before it arrived: the gateway never received it; it was not applied')),
        session.name ?? 'unknown',
        'command.status',
        () => this.ctx.audit(session, 'command.status', 'sealed', null, { ids: unknown }),
      );
    }
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

/** Only the operator role sends scanner commands (README.md, "Roles and safety"; docs/architecture.md, "Safety rules", rule 2). */
function mayCommand(session: ClientSession): boolean {
  return session.role === 'operator';
}
