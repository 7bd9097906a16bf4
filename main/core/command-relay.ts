import { randomBytes } from 'node:crypto';
import { ErrorCode, type AckMessage, type CommandView, type ScannerCommand } from '../../protocol/index.js';

export interface RelayTransport {
  /** Sends the command frame; false when the link cannot carry it now. */
  send(id: string, command: ScannerCommand): boolean;
}

const KEEP_SETTLED = 50;

/**
 * Every command gets an id and ends in exactly one outcome: done or rejected (with a code).
 * The relay owns that promise; the gateway's ack or a link failure settles it, never both.
 */
export class CommandRelay {
  private readonly pending = new Map<string, { view: CommandView; resolve: (v: CommandView) => void }>();
  private readonly history: CommandView[] = [];

  constructor(private readonly transport: RelayTransport, private readonly onChange: (view: CommandView) => void) {}

  static newId(): string {
    return `cmd_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  }

  send(command: ScannerCommand): Promise<CommandView> {
    const view: CommandView = { id: CommandRelay.newId(), command, state: 'pending', code: null, reason: null, sentAt: new Date().toISOString(), settledAt: null };
    this.remember(view);
    return new Promise((resolve) => {
      this.pending.set(view.id, { view, resolve });
      this.onChange(view);
      if (!this.transport.send(view.id, command)) {
        this.settle(view.id, 'rejected', ErrorCode.LINK_DOWN, 'not connected to the gateway: the command was not sent');
      }
    });
  }

  acknowledge(ack: AckMessage): boolean {
    return this.settle(ack.id, ack.outcome, ack.code, ack.reason);
  }

  /** The link is gone: in-flight commands cannot be confirmed on this link. */
  failInFlight(reason: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, 'rejected', ErrorCode.LINK_DOWN, reason);
  }

  inFlight(): CommandView[] {
    return [...this.pending.values()].map((p) => p.view);
  }

  recent(): CommandView[] {
    return [...this.history];
  }

  private settle(id: string, state: 'done' | 'rejected', code: string | null, reason: string | null): boolean {
    const entry = this.pending.get(id);
    if (!entry) return false;
    this.pending.delete(id);
    Object.assign(entry.view, { state, code, reason, settledAt: new Date().toISOString() });
    this.onChange(entry.view);
    entry.resolve({ ...entry.view });
    return true;
  }

  private remember(view: CommandView): void {
    this.history.push(view);
    if (this.history.length > KEEP_SETTLED) this.history.shift();
  }
}
