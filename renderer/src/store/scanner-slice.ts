import type { CommandView, WorkstationView } from '../../../protocol/api.js';
import type { ScannerSnapshot } from '../../../protocol/scanner.js';
import type { SliceCreator } from './types.js';

export interface ScannerSlice {
  snapshot: ScannerSnapshot | null;
  /** The core's list of recent commands, newest last. */
  recentCommands: CommandView[];
  /** Replace the whole workstation view (the core pushes it complete on every change). */
  receiveView(view: WorkstationView): void;
}

export const createScannerSlice: SliceCreator<ScannerSlice> = (set, get) => ({
  snapshot: null,
  recentCommands: [],
  receiveView: (view) => {
    const selected = get().selectedSequenceId;
    const stillThere = selected !== null && view.snapshot?.queue.some((s) => s.id === selected);
    set({
      link: view.link,
      snapshot: view.snapshot,
      recentCommands: view.commands,
      // A removed sequence cannot stay selected; the parameter card would show nothing real.
      selectedSequenceId: stillThere ? selected : null,
    });
    // The chat history a window first receives counts as read: only what is said after is new.
    if (view.collab !== undefined)
      set({ collab: view.collab, ...(get().chatSeenAt === null && view.collab ? { chatSeenAt: view.collab.chat.at(-1)?.at ?? '' } : {}) });
  },
});
