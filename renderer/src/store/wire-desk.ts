import type { LarmorApi, Unsubscribe } from '../../../protocol/api.js';
import type { AppStore } from './store.js';

/** Feed the desk slice from window.larmor.desk (the whole view on subscribe, then every change); nothing without a desk. */
export function wireDesk(api: LarmorApi, store: AppStore): Unsubscribe {
  if (!api.desk) return () => undefined;
  return api.desk.subscribe((view) => store.getState().receiveDesk(view));
}
