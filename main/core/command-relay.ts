import { randomBytes } from 'node:crypto';
import {
  ErrorCode,
  MAX_STATUS_IDS,
  type AckMessage,
  type CommandOutcome,
  type CommandStatusResultMessage,
  type CommandView,
  type ScannerCommand,
} from '../../protocol/index.js';
import { COMMAND_RESEND_MAX_AGE_MS } from '../../protocol/health.js';
import type { OutboxEntry } from '../journal/journal.js';
import { MemoryOutbox, type Outbox } from './outbox.js';

export interface RelayTransport {
  /** Null when a command may go out now; otherwise why it may not (the UI shows the reason). */
  refusal(): { code: string; reason: string } | null;
  /** The session's primary gateway URL, the site commands are meant for (null when offline). */
  target(): string | null;
  /** Sends the command frame; false when the socket cannot take it (it stays in flight). */
  send(id: string, command: ScannerCommand): boolean;
  /** Sends a `command.status` lookup (at most MAX_STATUS_IDS ids); false when the socket cannot take it. */
  lookup(ids: string[]): boolean;
}

export interface RelayOptions {
  /** Resend an unsettled command after a reconnect only while younger than this (default COMMAND_RESEND_MAX_AGE_MS). */
  resendMaxAgeMs?: number;
  /** Epoch ms clock (tests). */
  now?: () => number;
}

/** Why a command's outcome is looked up rather than the command resent. */
type LookupWhy = 'earlier-run' | 'too-old';

/** The reason a command is settled with when the gateway says it never received it. */
export const NOT_APPLIED_REASON = 'the gateway never received it; it was not applied';

/** What happened to a command, for the activity stream and the journal. */
export type RelayChange =
  | { kind: 'sent'; view: CommandView }
  | { kind: 'refused'; view: CommandView }
  | { kind: 'resent'; view: CommandView; sends: number }
  /** Not resent: its outcome is asked for with command.status (left by an earlier run, or too old). */
  | { kind: 'lookup'; view: CommandView; why: LookupWhy }
  /** `by`: the gateway's ack, or this side giving up (the outbox keeps the entry then). */
  | { kind: 'settled'; view: CommandView; by: 'gateway' | 'local' }
  /** An outcome that arrived after its promise had given up (or after a restart). */
  | { kind: 'recovered'; view: CommandView };

const KEEP_SETTLED = 50;

interface InFlight {
  view: CommandView;
  resolve: ((v: CommandView) => void) | null;
  /** Left by a given-up promise or an earlier run: its outcome, when it comes, is "recovered". */
  orphan: boolean;
}

/**
 * Every command gets an id and ends in exactly one outcome. The command goes into the outbox
 * (journal) before its frame leaves; it stays in flight through a lost link and is resent with
 * the same id after a reconnect, and the gateway, which remembers ids, applies it once. Only
 * when the reconnect budget is spent or the user disconnects does the promise give up (with a
 * LARMOR_E_ code); the outbox keeps the entry, so the true outcome is still recovered at the
 * next connection.
 *
 * A resend may make a command run late. So only a young command of this process is resent; one
 * left by an earlier run (a crash) or older than `resendMaxAgeMs` is looked up with
 * `command.status` instead: the gateway's stored outcome settles it, and one the gateway never
 * received is settled as rejected (LARMOR_E_NOT_APPLIED) and never sent again.
 */
export class CommandRelay {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly history: CommandView[] = [];
  private readonly outbox: Outbox;
  /** Ids left unsettled by an earlier run of the workstation: never resent, only looked up. */
  private readonly inherited = new Set<string>();
  /** Ids asked for with command.status and not answered yet. */
  private readonly awaitingStatus = new Set<string>();
  private readonly resendMaxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly transport: RelayTransport,
    private readonly onChange: (change: RelayChange) => void,
    outbox?: Outbox,
    options: RelayOptions = {},
  ) {
    this.outbox = outbox ?? new MemoryOutbox();
    this.resendMaxAgeMs = options.resendMaxAgeMs ?? COMMAND_RESEND_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
    // Left in flight by an earlier run of the workstation (a crash): looked up at the next welcome.
    for (const entry of this.outbox.unsettled()) {
      this.inherited.add(entry.id);
      const view: CommandView = { id: entry.id, command: entry.command, state: 'pending', code: null, reason: null, sentAt: entry.queuedAt, settledAt: null };
      this.remember(view);
      this.inFlight.set(entry.id, { view, resolve: null, orphan: true });
    }
  }

  static newId(): string {
    return `cmd_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  }

  send(command: ScannerCommand): Promise<CommandView> {
    const view: CommandView = {
      id: CommandRelay.newId(),
      command,
      state: 'pending',
      code: null,
      reason: null,
      sentAt: new Date(this.now()).toISOString(),
      settledAt: null,
    };
    this.remember(view);
    const refusal = this.transport.refusal();
    if (refusal) {
      // Not queued for later: a scanner command sent minutes late is not what the user meant.
      Object.assign(view, { state: 'rejected', code: refusal.code, reason: refusal.reason, settledAt: view.sentAt });
      this.onChange({ kind: 'refused', view });
      return Promise.resolve({ ...view });
    }
    return new Promise((resolve) => {
      this.outbox.enqueue(view.id, command, view.sentAt, this.transport.target() ?? '');
      this.inFlight.set(view.id, { view, resolve, orphan: false });
      this.onChange({ kind: 'sent', view });
      this.transport.send(view.id, command);
    });
  }

  acknowledge(ack: AckMessage): boolean {
    return this.settleFromGateway(ack.id, ack.outcome, ack.code, ack.reason);
  }

  /**
   * The gateway's answer to a command.status: a known id settles with its stored outcome, an
   * unknown one as rejected LARMOR_E_NOT_APPLIED. Ids not asked for by this relay are ignored.
   */
  applyStatus(message: CommandStatusResultMessage): number {
    let settled = 0;
    for (const r of message.results) {
      if (!this.awaitingStatus.has(r.id)) continue;
      if (r.known && !r.outcome) continue; // known without an outcome says nothing: ask again later
      this.awaitingStatus.delete(r.id);
      const answer: [CommandOutcome, string | null, string | null] = r.known
        ? [r.outcome!, r.code ?? null, r.reason ?? null]
        : ['rejected', ErrorCode.NOT_APPLIED, NOT_APPLIED_REASON];
      if (this.settleFromGateway(r.id, ...answer)) settled++;
    }
    return settled;
  }

  /**
   * After a (re)connect, for every command of this site whose outcome is unknown, oldest first:
   * a young command of this process is resent with its original id (the gateway applies it
   * once); one left by an earlier run or older than `resendMaxAgeMs` is looked up instead. Only
   * commands meant for this site: another site would take an unknown id as a new command.
   */
  recoverUnsettled(): { resent: number; lookedUp: number } {
    const target = this.transport.target();
    if (target === null) return { resent: 0, lookedUp: 0 };
    const now = this.now();
    const lookups: string[] = [];
    let resent = 0;
    for (const entry of this.outbox.unsettled(target)) {
      const flight = this.track(entry);
      const why: LookupWhy | null = this.inherited.has(entry.id) ? 'earlier-run' : now - Date.parse(entry.queuedAt) > this.resendMaxAgeMs ? 'too-old' : null;
      if (why) {
        this.awaitingStatus.add(entry.id);
        lookups.push(entry.id);
        this.onChange({ kind: 'lookup', view: flight.view, why });
        continue;
      }
      const sends = entry.sends + 1;
      this.outbox.noteResend(entry.id);
      this.onChange({ kind: 'resent', view: flight.view, sends });
      this.transport.send(entry.id, entry.command);
      resent++;
    }
    for (let i = 0; i < lookups.length; i += MAX_STATUS_IDS) this.transport.lookup(lookups.slice(i, i + MAX_STATUS_IDS));
    return { resent, lookedUp: lookups.length };
  }

  /**
   * Stop waiting: settle every in-flight promise with `code`. The outbox keeps the entries, so
   * their real outcome is asked for again at the next connection.
   */
  giveUp(code: string, reason: string): void {
    const settledAt = new Date().toISOString();
    for (const [id, entry] of [...this.inFlight]) {
      this.inFlight.delete(id);
      this.finish(entry, 'rejected', code, reason, settledAt, 'local');
    }
  }

  pending(): CommandView[] {
    return [...this.inFlight.values()].map((p) => p.view);
  }

  recent(): CommandView[] {
    return [...this.history];
  }

  /** The in-flight record of an outbox entry, made (as an orphan) when its promise is gone. */
  private track(entry: OutboxEntry): InFlight {
    let flight = this.inFlight.get(entry.id);
    if (!flight) {
      const known = this.history.find((v) => v.id === entry.id);
      const view: CommandView = known ?? {
        id: entry.id,
        command: entry.command,
        state: 'pending',
        code: null,
        reason: null,
        sentAt: entry.queuedAt,
        settledAt: null,
      };
      if (!known) this.remember(view);
      flight = { view, resolve: null, orphan: true };
      this.inFlight.set(entry.id, flight);
    }
    return flight;
  }

  /** The gateway's word on a command (an ack or a status answer); false when already recorded. */
  private settleFromGateway(id: string, outcome: CommandOutcome, code: string | null, reason: string | null): boolean {
    const settledAt = new Date().toISOString();
    const fresh = this.outbox.settle(id, outcome, code, reason, settledAt, 'gateway');
    this.awaitingStatus.delete(id);
    const entry = this.inFlight.get(id);
    if (entry) {
      this.inFlight.delete(id);
      this.finish(entry, outcome, code, reason, settledAt, 'gateway');
      return true;
    }
    if (!fresh) return false; // a duplicate ack for an outcome already recorded
    const view = this.history.find((v) => v.id === id);
    if (view) {
      Object.assign(view, { state: outcome, code, reason, settledAt });
      this.onChange({ kind: 'recovered', view });
    }
    return true;
  }

  private finish(entry: InFlight, state: 'done' | 'rejected', code: string | null, reason: string | null, settledAt: string, by: 'gateway' | 'local'): void {
    Object.assign(entry.view, { state, code, reason, settledAt });
    this.onChange(
      entry.orphan && entry.resolve === null && by === 'gateway' ? { kind: 'recovered', view: entry.view } : { kind: 'settled', view: entry.view, by },
    );
    entry.resolve?.({ ...entry.view });
  }

  private remember(view: CommandView): void {
    this.history.push(view);
    if (this.history.length > KEEP_SETTLED) this.history.shift();
  }
}
