import type { Role } from '../../../protocol/roles.js';
import type { ScannerCommand } from '../../../protocol/commands.js';
import type { ScannerSnapshot } from '../../../protocol/scanner.js';
import { commandLabel } from '../logic/log-words.js';
import { PARAM_FIELDS } from '../logic/params.js';

/** Roles in the words a technologist uses about people in the exam. */
export const ROLE_WORDS: Record<Role, string> = { operator: 'Remote', onsite: 'Onsite', observer: 'Observer' };

/** A proposed queue or parameter change, as a phrase ("add T2 TSE axial to the queue"). */
export function proposedChange(command: ScannerCommand, snapshot: ScannerSnapshot | null): string {
  const label = commandLabel(command, snapshot) ?? 'a sequence';
  switch (command.name) {
    case 'sequence.queue':
      return `add ${label} to the queue`;
    case 'sequence.remove':
      return `remove ${label} from the queue`;
    case 'sequence.reorder':
      return `move ${label} to position ${command.toIndex + 1}`;
    case 'sequence.edit': {
      const changes = Object.entries(command.changes).map(([key, value]) => {
        const field = PARAM_FIELDS.find((f) => f.key === key);
        return `${field?.label ?? key} ${String(value)}${field?.unit ? ` ${field.unit}` : ''}`;
      });
      return `set ${changes.join(', ')} on ${label}`;
    }
    default:
      return command.name;
  }
}
