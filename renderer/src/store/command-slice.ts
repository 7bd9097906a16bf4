import type { CommandView } from '../../../protocol/api.js';
import type { ScannerCommand } from '../../../protocol/commands.js';
import { outcomeFromError, outcomeFromView, type CommandOutcome } from '../logic/outcome.js';
import { commandLabel } from '../logic/log-words.js';
import { API_MISSING, type SliceCreator, type StoreDeps } from './types.js';

/**
 * Outcomes are kept per origin: the control (or queue row, or parameter card) that gave the
 * command, so each shows its own pending / done / refused where it was given.
 */
export interface CommandSlice {
  outcomes: Record<string, CommandOutcome>;
  sendCommand(origin: string, command: ScannerCommand): Promise<CommandView | null>;
  clearOutcome(origin: string): void;
}

export const createCommandSlice =
  (deps: StoreDeps): SliceCreator<CommandSlice> =>
  (set, get) => {
    // The newest command per origin wins: a slow answer to an older one must not overwrite it.
    const latest = new Map<string, number>();
    let counter = 0;

    function record(origin: string, token: number, outcome: CommandOutcome): void {
      if (latest.get(origin) !== token) return;
      set({ outcomes: { ...get().outcomes, [origin]: outcome } });
    }

    return {
      outcomes: {},
      sendCommand: async (origin, command) => {
        const token = ++counter;
        latest.set(origin, token);
        const api = deps.api();
        if (!api) {
          record(origin, token, { state: 'rejected', command, view: null, code: API_MISSING.code, reason: API_MISSING.message });
          return null;
        }
        record(origin, token, { state: 'pending', command, sentAt: deps.now() });
        get().commandLabels.note(command.name, commandLabel(command, get().snapshot));
        try {
          const view = await api.commands.send(command);
          record(origin, token, outcomeFromView(view));
          return view;
        } catch (error) {
          record(origin, token, outcomeFromError(command, error));
          return null;
        }
      },
      clearOutcome: (origin) => {
        latest.delete(origin);
        const { [origin]: _removed, ...rest } = get().outcomes;
        set({ outcomes: rest });
      },
    };
  };
