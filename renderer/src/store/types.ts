import type { StateCreator } from 'zustand';
import type { LarmorApi } from '../../../protocol/api.js';
import { ErrorCode } from '../../../protocol/errors.js';
import type { LinkSlice } from './link-slice.js';
import type { ScannerSlice } from './scanner-slice.js';
import type { CommandSlice } from './command-slice.js';
import type { LogSlice } from './log-slice.js';
import type { UiSlice } from './ui-slice.js';
import type { ImagesSlice } from './images-slice.js';
import type { CollabSlice } from './collab-slice.js';
import type { DeskSlice } from './desk-slice.js';

/** What the store needs from outside: the window.larmor API (absent outside a shell) and a clock. */
export interface StoreDeps {
  api(): LarmorApi | null;
  now(): string;
  /** Decoded pixels the viewer keeps at most (default DEFAULT_IMAGE_BUDGET_BYTES, renderer/src/viewer/memory-budget.ts); small in tests. */
  imageBudgetBytes?: number;
}

export type AppState = LinkSlice & ScannerSlice & CommandSlice & LogSlice & UiSlice & ImagesSlice & CollabSlice & DeskSlice;

/** zustand slices pattern: every slice sees (and may set) the whole state. */
export type SliceCreator<T> = StateCreator<AppState, [], [], T>;

export const API_MISSING = {
  code: ErrorCode.API_UNAVAILABLE,
  message: 'window.larmor is not available: open this window from the Larmor workstation or its browser shell',
} as const;
