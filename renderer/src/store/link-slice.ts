import type { ConnectRequest, LinkView } from '../../../protocol/api.js';
import { codeOf } from '../../../protocol/errors.js';
import { API_MISSING, type SliceCreator, type StoreDeps } from './types.js';

export interface LinkSlice {
  link: LinkView;
  /** A connect or disconnect call that failed on this side (the core's own reasons are in link.error). */
  linkCallError: { code: string; message: string } | null;
  linkCallPending: boolean;
  connect(request: ConnectRequest): Promise<void>;
  disconnect(): Promise<void>;
}

const INITIAL_LINK: LinkView = {
  status: 'disconnected',
  url: null,
  role: null,
  name: null,
  sessionId: null,
  error: null,
  policy: null,
};

export const createLinkSlice =
  (deps: StoreDeps): SliceCreator<LinkSlice> =>
  (set) => {
    async function call(action: (api: NonNullable<ReturnType<StoreDeps['api']>>) => Promise<void>): Promise<void> {
      const api = deps.api();
      if (!api) {
        set({ linkCallError: { ...API_MISSING } });
        return;
      }
      set({ linkCallPending: true, linkCallError: null });
      try {
        await action(api);
      } catch (error) {
        set({
          linkCallError: {
            code: codeOf(error),
            message: error instanceof Error ? error.message : String(error),
          },
        });
      } finally {
        set({ linkCallPending: false });
      }
    }
    return {
      link: INITIAL_LINK,
      linkCallError: null,
      linkCallPending: false,
      connect: (request) => call((api) => api.link.connect(request)),
      disconnect: () => call((api) => api.link.disconnect()),
    };
  };
