import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { LarmorApi } from '../../../protocol/api.js';
import { createLinkSlice } from './link-slice.js';
import { createScannerSlice } from './scanner-slice.js';
import { createCommandSlice } from './command-slice.js';
import { createLogSlice } from './log-slice.js';
import { createUiSlice } from './ui-slice.js';
import { createImagesSlice } from './images-slice.js';
import { createCollabSlice } from './collab-slice.js';
import { createDeskSlice } from './desk-slice.js';
import type { AppState, StoreDeps } from './types.js';

declare global {
  interface Window {
    /** Provided by the Electron preload or the browser-shell shim; absent anywhere else. */
    larmor?: LarmorApi;
  }
}

export type AppStore = StoreApi<AppState>;

export function createAppStore(deps: StoreDeps): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createLinkSlice(deps)(...a),
    ...createScannerSlice(...a),
    ...createCommandSlice(deps)(...a),
    ...createLogSlice(...a),
    ...createUiSlice(...a),
    ...createImagesSlice(deps)(...a),
    ...createCollabSlice(deps)(...a),
    ...createDeskSlice(deps)(...a),
  }));
}

const browserDeps: StoreDeps = {
  api: () => (typeof window !== 'undefined' ? (window.larmor ?? null) : null),
  now: () => new Date().toISOString(),
};

/** The window's one store. */
export const appStore: AppStore = createAppStore(browserDeps);

/** Subscribe a component to one selected piece of state. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}

/** Back to the initial state (actions included), e.g. between tests. */
export function resetAppStore(store: AppStore = appStore): void {
  store.setState(store.getInitialState(), true);
}

export type { AppState, StoreDeps } from './types.js';
