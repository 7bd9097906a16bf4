import { MAX_FETCH_UIDS, type ExamCatalogue } from '../../protocol/index.js';
import type { WorkstationCore } from '../core/workstation-core.js';

/**
 * The open exam's images a headless recorder missed while its link was down. A resume replays
 * what the gateway still holds in its resume buffer; after a longer or busier outage it gets a
 * fresh snapshot instead, and what was sent meanwhile is not replayed. The gateway's catalogue,
 * sent after every welcome, lists every image of the exam it holds: those not yet written are
 * fetched, as the workstation's viewer fetches a series it lacks (docs/architecture.md "The
 * image's path"). Only after a reconnect: a recorder started mid-exam records from its start.
 */
export function fetchMissedImages(core: WorkstationCore, written: ReadonlySet<string>): void {
  let welcomes = 0;
  core.on('activity', (a) => {
    if (a.type === 'link' && a.status === 'connected') welcomes++;
  });
  core.on('exam-catalogue', (catalogue) => {
    if (welcomes < 2) return;
    // Images already taken but still being decoded are written when their turn comes.
    void core.imagesSettled().then(() => fetchAbsent(core, catalogue, written));
  });
}

function fetchAbsent(core: WorkstationCore, catalogue: ExamCatalogue, written: ReadonlySet<string>): void {
  const missing = catalogue.series.flatMap((series) => series.sopInstanceUids).filter((uid) => !written.has(uid));
  for (let i = 0; i < missing.length; i += MAX_FETCH_UIDS) {
    // A fetch the link cuts short is asked again with the catalogue after the next welcome.
    core.fetchImages({ sopInstanceUids: missing.slice(i, i + MAX_FETCH_UIDS) }).catch(() => undefined);
  }
}
