import type { ScannerCommand } from '../../protocol/index.js';
import type { ScannerSimulator } from '../simulator/scanner-simulator.js';

/** Apply one validated command to the scanner. Throws LarmorError when it cannot apply. */
export function applyCommand(scanner: ScannerSimulator, command: ScannerCommand, actor: string): void {
  switch (command.name) {
    case 'exam.open':
      return scanner.openExam(command.patient, command.description, command.accessionNumber);
    case 'exam.close':
      return scanner.closeExam();
    case 'sequence.queue':
      scanner.queueSequence(command.protocolId, command.position);
      return;
    case 'sequence.remove':
      return scanner.removeSequence(command.sequenceId);
    case 'sequence.reorder':
      return scanner.reorderSequence(command.sequenceId, command.toIndex);
    case 'sequence.edit':
      scanner.editSequence(command.sequenceId, command.changes);
      return;
    case 'scan.start':
      scanner.start(command.sequenceId);
      return;
    case 'scan.pause':
      return scanner.pause();
    case 'scan.resume':
      return scanner.resume();
    case 'scan.stop':
      scanner.stop(`stopped by ${actor}`);
      return;
  }
}
