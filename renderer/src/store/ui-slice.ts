import type { SliceCreator } from './types.js';

export interface UiSlice {
  /** Queue item whose parameters the parameter card shows. */
  selectedSequenceId: string | null;
  selectSequence(id: string | null): void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  selectedSequenceId: null,
  selectSequence: (id) => set({ selectedSequenceId: id }),
});
