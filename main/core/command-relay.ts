import { randomBytes } from 'node:crypto';
import type { AckMessage, CommandView, ScannerCommand } from '../../protocol/index.js';
import { MemoryOutbox, type Outbox } from './outbox.js';

export interface RelayTransport {
  /** Null when a command may go out now; otherwise why it may not (the UI shows the reason). */
  refusal(): { code: string; reason: string } | null;
  /** The session's primary gateway URL, the site commands are meant for (null when offline). */
  target(): string | null;
  /** Sends the command frame; false when the socket cannot take it (it stays in flight). */
  send(id: string, command: ScannerCommand): boolean;
}

/** What happened to a command, for the activity stream and the journal. */
export type RelayChange =
  | { kind: 'sent'; view: CommandView }
  | { kind: 'refused'; view: CommandView }
  | { kind: 'resent'; view: CommandView; sends: number }
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
 * the same id after each reconnect, and the gateway, which remembers ids, applies it once. Only
 * when the reconnect budget is spent or the user disconnects does the promise give up (with a
 * LARMOR_E_ code); the outbox keeps the entry, so the true outcome is still recovered at the
 * next connection.
 */
export class CommandRelay {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly history: CommandView[] = [];
  private readonly outbox: Outbox;

  constructor(private readonly transport: RelayTransport, private readonly onChange: (change: RelayChange) => void, outbox?: Outbox) {
    this.outbox = outbox ?? new MemoryOutbox();
    // Left in flight by an earlier run of the workstation (a crash): resent at the next welcome.
    for (const entry of this.outbox.unsettled()) {
      const view: CommandView = { id: entry.id, command: entry.command, state: 'pending', code: null, reason: null, sentAt: entry.queuedAt, settledAt: null };
      this.remember(view);
      this.inFlight.set(entry.id, { view, resolve: null, orphan: true });
    }
  }

  static newId(): string {
    return `cmd_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  }

  send(command: ScannerCommand): Promise<CommandView> {
    const view: CommandView = { id: CommandRelay.newId(), command, state: 'pending', code: null, reason: null, sentAt: new Date().toISOString(), settledAt: null };
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
    const settledAt = new Date().toISOString();
    const fresh = this.outbox.settle(ack.id, ack.outcome, ack.code, ack.reason, settledAt, 'gateway');
    const entry = this.inFlight.get(ack.id);
    if (entry) {
      this.inFlight.delete(ack.id);
      this.finish(entry, ack.outcome, ack.code, ack.reason, settledAt, 'gateway');
      return true;
    }
    if (!fresh) return false; // a duplicate ack for an outcome already recorded
    const view = this.history.find((v) => v.id === ack.id);
    if (view) {
      Object.assign(view, { state: ack.outcome, code: ack.code, reason: ack.reason, settledAt });
      this.onChange({ kind: 'recovered', view });
    }
    return true;
  }

  /**
   * After a (re)connect: resend every command whose outcome is unknown, oldest first, with its
   * original id, including those a previous run or a given-up promise left in the outbox. Only
   * commands meant for this site: another site would take an unknown id as a new command.
   */
  resendUnsettled(): number {
    let count = 0;
    const target = this.transport.target();
    if (target === null) return 0;
    for (const entry of this.outbox.unsettled(target)) {
      let flight = this.inFlight.get(entry.id);
      if (!flight) {
        const known = this.history.find((v) => v.id === entry.id);
        const view: CommandView = known ?? { id: entry.id, command: entry.command, state: 'pending', code: null, reason: null, sentAt: entry.queuedAt, settledAt: null };
        if (!known) this.remember(view);
        flight = { view, resolve: null, orphan: true };
        this.inFlight.set(entry.id, flight);
      }
      const sends = entry.sends + 1;
      this.outbox.noteResend(entry.id);
      this.onChange({ kind: 'resent', view: flight.view, sends });
      this.transport.send(entry.id, entry.command);
      count++;
    }
    return count;
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

  private finish(entry: InFlight, state: 'done' | 'rejected', code: string | null, reason: string | null, settledAt: string, by: 'gateway' | 'local'): void {
    Object.assign(entry.view, { state, code, reason, settledAt });
    this.onChange(entry.orphan && entry.resolve === null && by === 'gateway' ? { kind: 'recovered', view: entry.view } : { kind: 'settled', view: entry.view, by });
    entry.resolve?.({ ...entry.view });
  }

  private remember(view: CommandView): void {
    this.history.push(view);
    if (this.history.length > KEEP_SETTLED) this.history.shift();
  }
}
