import type { CollabOutcome } from '../../../protocol/api.js';
import type { CollabAction, CollabState, MarkShape } from '../../../protocol/collaboration.js';
import { codeOf } from '../../../protocol/errors.js';
import { API_MISSING, type SliceCreator, type StoreDeps } from './types.js';

/** What the control that gave a collaboration action shows: pending, done, or refused with the code. */
type CollabOutcomeShown = { state: 'pending' } | { state: 'done' } | { state: 'rejected'; code: string; message: string };

/**
 * "Scanning with you" on this window (docs/architecture.md "Collaboration"): the core's view of
 * the desk (chat, marks, proposals, handover), what this window has read of the chat, the mark
 * tool in hand, and the outcome of each collaboration action where it was given.
 */
export interface CollabSlice {
  collab: CollabState | null;
  /** Time of the newest chat line this technologist has seen; '' none; null before the gateway's catch-up. */
  chatSeenAt: string | null;
  chatOpen: boolean;
  setChatOpen(open: boolean): void;
  /** The chat panel is open and showing the newest line. */
  markChatSeen(): void;
  /** The shape the next drag on the image draws; null: the viewer's usual mouse. */
  markTool: MarkShape | null;
  setMarkTool(tool: MarkShape | null): void;
  collabOutcomes: Record<string, CollabOutcomeShown>;
  sendCollab(origin: string, action: CollabAction): Promise<CollabOutcome | null>;
}

export const createCollabSlice =
  (deps: StoreDeps): SliceCreator<CollabSlice> =>
  (set, get) => {
    const latest = new Map<string, number>();
    let counter = 0;
    const record = (origin: string, token: number, shown: CollabOutcomeShown) => {
      if (latest.get(origin) !== token) return;
      set({ collabOutcomes: { ...get().collabOutcomes, [origin]: shown } });
    };
    return {
      collab: null,
      chatSeenAt: null,
      chatOpen: true,
      setChatOpen: (open) => {
        set({ chatOpen: open });
        if (open) get().markChatSeen();
      },
      markChatSeen: () => {
        const newest = get().collab?.chat.at(-1)?.at ?? null;
        if (newest !== null && newest !== get().chatSeenAt) set({ chatSeenAt: newest });
      },
      markTool: null,
      setMarkTool: (tool) => set({ markTool: tool }),
      collabOutcomes: {},
      sendCollab: async (origin, action) => {
        const token = ++counter;
        latest.set(origin, token);
        const api = deps.api();
        if (!api) {
          record(origin, token, { state: 'rejected', code: API_MISSING.code, message: API_MISSING.message });
          return null;
        }
        record(origin, token, { state: 'pending' });
        try {
          const outcome = await api.collab.send(action);
          record(origin, token, outcome.state === 'done' || !outcome.error ? { state: 'done' } : { state: 'rejected', ...outcome.error });
          return outcome;
        } catch (error) {
          record(origin, token, { state: 'rejected', code: codeOf(error), message: error instanceof Error ? error.message : String(error) });
          return null;
        }
      },
    };
  };

/** Chat lines after the newest one seen, not counting this technologist's own. */
export function unreadChat(collab: CollabState | null, seenAt: string | null, me: { name: string | null; role: string | null }): number {
  if (!collab || seenAt === null) return 0;
  return collab.chat.filter((c) => c.at > seenAt && !(c.from.name === me.name && c.from.role === me.role)).length;
}
