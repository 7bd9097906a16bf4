import type { LarmorApi, Unsubscribe } from '../../../protocol/api.js';
import type { AppStore } from './store.js';

/**
 * Feed the store from window.larmor: the workstation view (pushed whole on every change and
 * once on subscribe) and the event log. Returns one function that undoes every subscription.
 * Live images are subscribed by the viewport, which owns their pixel buffers.
 */
export function wireLarmor(api: LarmorApi, store: AppStore): Unsubscribe {
  const unsubscribers = [
    api.state.subscribe((view) => store.getState().receiveView(view)),
    api.log.subscribe((entry) => store.getState().appendLog(entry)),
  ];
  return () => {
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  };
}
