import type { CommandView } from '../../../protocol/api.js';
import { codeOf } from '../../../protocol/errors.js';
import type { ScannerCommand } from '../../../protocol/commands.js';
import { acquisitionUnderway, type ScannerState } from '../../../protocol/scanner.js';
import type { StatusPresentation } from '../../../base/browser/status-words.js';

/**
 * What a control shows about the last command it gave. While `commands.send` is in flight the
 * command has no id yet on this side, so the outcome is "pending" with the command alone; once
 * the promise settles it carries the CommandView the core returned.
 */
export type CommandOutcome =
  | { state: 'pending'; command: ScannerCommand; sentAt: string }
  | { state: 'done' | 'rejected'; command: ScannerCommand; view: CommandView | null; code: string | null; reason: string | null };

export function outcomeFromView(view: CommandView): CommandOutcome {
  if (view.state === 'pending') return { state: 'pending', command: view.command, sentAt: view.sentAt };
  return { state: view.state, command: view.command, view, code: view.code, reason: view.reason };
}

/**
 * `commands.send` never rejects for a refused command; a rejection means the call itself
 * failed (IPC gate, invalid payload). Shown as refused with whatever code the error carries.
 */
export function outcomeFromError(command: ScannerCommand, error: unknown): CommandOutcome {
  const code = codeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  return { state: 'rejected', command, view: null, code, reason };
}

const COMMAND_WORDS: Record<ScannerCommand['name'], string> = {
  'exam.open': 'Open exam',
  'exam.close': 'Close exam',
  'sequence.queue': 'Add sequence',
  'sequence.remove': 'Remove sequence',
  'sequence.reorder': 'Move sequence',
  'sequence.edit': 'Edit parameters',
  'scan.start': 'Start',
  'scan.pause': 'Pause',
  'scan.resume': 'Resume',
  'scan.stop': 'Stop',
};

export function describeCommand(command: ScannerCommand): string {
  return COMMAND_WORDS[command.name];
}

export function presentOutcome(outcome: CommandOutcome): StatusPresentation {
  switch (outcome.state) {
    case 'pending':
      return { word: 'Pending', icon: '…', tone: 'info' };
    case 'done':
      return { word: 'Done', icon: '✓', tone: 'ok' };
    case 'rejected':
      return { word: 'Refused', icon: '✕', tone: 'bad' };
  }
}

/**
 * Whether a control still shows its last outcome, given the scanner's state now. A command on its
 * way and a refusal are shown until the next command from that control: the technologist has to
 * read them. A command done is shown while it still says something the window does not:
 * - Start, Pause and Resume act on one acquisition, and say nothing once it has ended, whether it
 *   completed, was stopped or ended with an emergency stop from the scanner room (a lasting
 *   "Start: Done" under the buttons would contradict the aborted series beside it);
 * - opening an exam is shown by the exam panel that replaces the form (a bare "Done" beside
 *   "Close exam" would read as the exam being finished).
 */
export function outcomeStillShown(outcome: CommandOutcome, state: ScannerState | null): boolean {
  if (outcome.state !== 'done') return true;
  switch (outcome.command.name) {
    case 'scan.start':
    case 'scan.pause':
    case 'scan.resume':
      return acquisitionUnderway(state);
    case 'exam.open':
      return false;
    default:
      return true;
  }
}
