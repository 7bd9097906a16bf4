import type { CommandOutcome, ScannerCommand } from '../../protocol/index.js';
import type { Journal, OutboxEntry } from '../journal/journal.js';

/**
 * Commands sent (or about to be) whose outcome is not known yet. Backed by the journal in the
 * app, so the outcome of a command in flight at a crash is asked of the gateway after the
 * restart (command.status); in memory
 * when no journal is given (tests, `larmor record` without --journal).
 */
export interface Outbox {
  enqueue(id: string, command: ScannerCommand, queuedAt: string, target: string): void;
  noteResend(id: string): void;
  /** False when an outcome was already recorded (a duplicate ack). */
  settle(id: string, outcome: CommandOutcome, code: string | null, reason: string | null, settledAt: string, settledBy: 'gateway' | 'local'): boolean;
  /** Oldest first; only those meant for `target` when given. */
  unsettled(target?: string): OutboxEntry[];
}

/**
 * The journal's outbox, with memory behind it for commands it could not write (a full disk).
 * Such a command is still sent: a scan stop refused because the disk is full would be worse than
 * one whose outcome is not asked for after a crash. It is kept and resent for this run as without
 * a journal; the journal's listeners have been told it is not writing (Journal.onWriteState).
 */
export class JournalOutbox implements Outbox {
  private readonly unwritten = new MemoryOutbox();

  constructor(private readonly journal: Journal) {}

  enqueue(id: string, command: ScannerCommand, queuedAt: string, target: string): void {
    try {
      this.journal.enqueue(id, command, queuedAt, target);
    } catch {
      this.unwritten.enqueue(id, command, queuedAt, target);
    }
  }

  noteResend(id: string): void {
    this.unwritten.noteResend(id);
    try {
      this.journal.noteResend(id);
    } catch {
      // The count of sends is for the log; the resend goes either way.
    }
  }

  settle(id: string, outcome: CommandOutcome, code: string | null, reason: string | null, settledAt: string, settledBy: 'gateway' | 'local'): boolean {
    if (this.unwritten.settle(id)) return true;
    try {
      return this.journal.settle(id, outcome, code, reason, settledAt, settledBy);
    } catch {
      // Not recorded: after a restart its outcome is asked of the gateway again (command.status).
      return true;
    }
  }

  unsettled(target?: string): OutboxEntry[] {
    return [...this.journal.unsettled(target), ...this.unwritten.unsettled(target)];
  }
}

export class MemoryOutbox implements Outbox {
  private readonly entries = new Map<string, OutboxEntry>();
  enqueue(id: string, command: ScannerCommand, queuedAt: string, target: string): void {
    this.entries.set(id, { id, command, target, queuedAt, sends: 1 });
  }
  noteResend(id: string): void {
    const e = this.entries.get(id);
    if (e) e.sends++;
  }
  settle(id: string): boolean {
    return this.entries.delete(id);
  }
  unsettled(target?: string): OutboxEntry[] {
    return [...this.entries.values()].filter((e) => target === undefined || e.target === target);
  }
}
