import type { SliceCreator } from './types.js';

export interface UiSlice {
  /** Queue item whose parameters the parameter card shows. */
  selectedSequenceId: string | null;
  selectSequence(id: string | null): void;
  /** Time of the emergency stop this window's user acknowledged (the banner and alarm end). */
  acknowledgedEmergencyAt: string | null;
  acknowledgeEmergency(at: string): void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  selectedSequenceId: null,
  selectSequence: (id) => set({ selectedSequenceId: id }),
  acknowledgedEmergencyAt: null,
  acknowledgeEmergency: (at) => set({ acknowledgedEmergencyAt: at }),
});
