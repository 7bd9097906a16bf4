import type { DeskConnectRequest, DeskView, SiteId } from '../../../protocol/desk.js';
import { codeOf, ErrorCode } from '../../../protocol/errors.js';
import { API_MISSING, type SliceCreator, type StoreDeps } from './types.js';

type CallError = { code: string; message: string };

/**
 * The desk: every scanner's tile and alarm as the core pushes them (protocol/desk.ts). The
 * console slices (scanner, commands, log, images) always belong to one scanner, the focused one;
 * switching starts them afresh and the core then pushes that scanner's state and recent log.
 */
export interface DeskSlice {
  /** null until the core pushes a desk (a shell without a desk never does). */
  desk: DeskView | null;
  deskCallError: CallError | null;
  deskCallPending: boolean;
  /** Alarms whose acknowledgement is on its way to their gateway. */
  acknowledging: Record<string, true>;
  /**
   * Alarms an observer has seen. Observers are receive-only, so their gateway does not record
   * an acknowledgement; the alarm is silenced in this window alone.
   */
  seenByObserver: Record<string, true>;
  /** The scanner the console slices hold; differs from desk.focusedSiteId only mid-switch. */
  consoleSiteId: SiteId | null;
  /** Counts console switches, so the wiring can tell a new scanner's exam from a new exam. */
  focusEpoch: number;
  receiveDesk(view: DeskView): void;
  connectDesk(request: DeskConnectRequest): Promise<void>;
  focusScanner(siteId: SiteId): Promise<void>;
  acknowledgeAlarm(siteId: SiteId, alarmId: string): Promise<void>;
}

export const createDeskSlice =
  (deps: StoreDeps): SliceCreator<DeskSlice> =>
  (set, get) => {
    function errorOf(error: unknown): CallError {
      return { code: codeOf(error), message: error instanceof Error ? error.message : String(error) };
    }

    /** Empty the console for another scanner: nothing of the last one may be read as this one's. */
    function switchConsole(siteId: SiteId, clearSnapshot: boolean): void {
      get().clearImages();
      set({
        consoleSiteId: siteId,
        focusEpoch: get().focusEpoch + 1,
        log: [],
        outcomes: {},
        selectedSequenceId: null,
        ...(clearSnapshot ? { snapshot: null, recentCommands: [] } : {}),
      });
    }

    return {
      desk: null,
      deskCallError: null,
      deskCallPending: false,
      acknowledging: {},
      seenByObserver: {},
      consoleSiteId: null,
      focusEpoch: 0,

      receiveDesk: (view) => {
        const held = get().consoleSiteId;
        const focused = view.focusedSiteId;
        // The first focus adopts what the console already shows; a later one the core made
        // itself switches it (the state push that came with it stays: it is the new scanner's).
        if (focused !== null && held !== null && focused !== held) switchConsole(focused, false);
        else if (focused !== null && held === null) set({ consoleSiteId: focused });
        const acknowledging = { ...get().acknowledging };
        for (const tile of view.tiles) for (const alarm of tile.alarms) if (alarm.acknowledged) delete acknowledging[alarm.id];
        set({ desk: view, acknowledging });
      },

      connectDesk: async (request) => {
        const api = deps.api();
        if (!api?.desk) {
          set({ deskCallError: { ...API_MISSING } });
          return;
        }
        // A new sign-in: the core focuses the first site of the list and pushes its state and log.
        switchConsole(request.sites[0]!.id, false);
        set({ deskCallPending: true, deskCallError: null });
        try {
          await api.desk.connect(request);
        } catch (error) {
          set({ deskCallError: errorOf(error) });
        } finally {
          set({ deskCallPending: false });
        }
      },

      focusScanner: async (siteId) => {
        const api = deps.api();
        const desk = get().desk;
        if (!api?.desk || !desk || !desk.tiles.some((tile) => tile.site.id === siteId)) return;
        if (desk.focusedSiteId === siteId && get().consoleSiteId === siteId) return;
        // Cleared before asking, so the state and log the core pushes for the new scanner land
        // in an empty console; the tile is marked at once.
        switchConsole(siteId, true);
        set({ desk: { ...desk, focusedSiteId: siteId }, deskCallError: null });
        try {
          await api.desk.focus(siteId);
        } catch (error) {
          set({ deskCallError: errorOf(error) });
        }
      },

      acknowledgeAlarm: async (siteId, alarmId) => {
        const api = deps.api();
        if (!api?.desk) return;
        set({ acknowledging: { ...get().acknowledging, [alarmId]: true }, deskCallError: null });
        try {
          await api.desk.acknowledge(siteId, alarmId);
        } catch (error) {
          const { [alarmId]: _done, ...rest } = get().acknowledging;
          if (codeOf(error) === ErrorCode.OBSERVER_RECEIVE_ONLY) set({ acknowledging: rest, seenByObserver: { ...get().seenByObserver, [alarmId]: true } });
          else set({ acknowledging: rest, deskCallError: errorOf(error) });
        }
      },
    };
  };
