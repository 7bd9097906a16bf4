import type { LarmorApi, Unsubscribe } from '../../../protocol/api.js';
import type { AppStore } from './store.js';

/**
 * Feed the store from window.larmor: the workstation view (pushed whole on every change and
 * once on subscribe), the event log and the live images (each kept once, by reference, in the
 * images slice). Returns one function that undoes every subscription.
 */
export function wireLarmor(api: LarmorApi, store: AppStore): Unsubscribe {
  let studyUid: string | null = null;
  let focusEpoch = store.getState().focusEpoch;
  const unsubscribers = [
    api.state.subscribe((view) => {
      // Another scanner's exam after a desk focus switch is not a new exam here: the switch already emptied the viewer.
      if (store.getState().focusEpoch !== focusEpoch) {
        focusEpoch = store.getState().focusEpoch;
        studyUid = null;
      }
      // A new exam starts with an empty viewer: the previous patient's images never sit beside
      // the next patient's, and their memory is released.
      const next = view.snapshot?.exam?.studyUid ?? null;
      if (next !== null && studyUid !== null && next !== studyUid) store.getState().clearImages();
      if (next !== null) studyUid = next;
      store.getState().receiveView(view);
      // The exam's series the gateway holds: the strip shows them before their images are here.
      store.getState().receiveCatalogue(view.exam);
    }),
    api.log.subscribe((entries) => {
      // One store update per batch: a flood of notices renders once per push, not once per entry.
      store.getState().appendLogs(entries);
      // The core logs images it refused; the viewport shows the latest one too.
      for (const entry of entries) store.getState().noteImageLog(entry);
    }),
    api.images.subscribe((image) => store.getState().receiveImage(image)),
  ];
  return () => {
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  };
}
