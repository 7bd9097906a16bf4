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

export class JournalOutbox implements Outbox {
  constructor(private readonly journal: Journal) {}
  enqueue(id: string, command: ScannerCommand, queuedAt: string, target: string): void {
    this.journal.enqueue(id, command, queuedAt, target);
  }
  noteResend(id: string): void {
    this.journal.noteResend(id);
  }
  settle(id: string, outcome: CommandOutcome, code: string | null, reason: string | null, settledAt: string, settledBy: 'gateway' | 'local'): boolean {
    return this.journal.settle(id, outcome, code, reason, settledAt, settledBy);
  }
  unsettled(target?: string): OutboxEntry[] {
    return this.journal.unsettled(target);
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
