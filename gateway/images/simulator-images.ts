import type { ScannerSimulator, SliceDone } from '../simulator/scanner-simulator.js';
import type { SeriesImagerOptions } from '../imaging/index.js';
import type { ImageLimits } from '../../native-bridge/index.js';
import type { WorkerPool } from '../../base/node/worker-pool.js';
import type { ImagePipeline } from './image-pipeline.js';
import type { TranscodeAnswer } from './workstation-copy.js';
import { createSliceRenderPool, type SliceRequest } from './slice-render-pool.js';

/**
 * Turns the simulator's "slice done" moments into MR images: each slice is rendered and made
 * into its workstation copy in the slice render worker (slice-render-worker.ts), then published
 * by the shared image pipeline in the order the slices were done. The worker starts with the
 * first slice, so a gateway that never acquires never starts it. Returns the stop: the slices
 * being rendered are published, then the worker ends.
 */
export function streamSimulatorImages(
  scanner: ScannerSimulator,
  pipeline: ImagePipeline,
  site: { name: string; scanner: string; fieldStrengthT: number },
  limits?: ImageLimits,
): () => Promise<void> {
  let renderer: WorkerPool<SliceRequest, TranscodeAnswer> | null = null;
  // One series acquires at a time: only the current one's description is kept.
  let current: SeriesImagerOptions | null = null;
  // Slices being rendered: the stop lets them be published before the worker ends.
  const rendering = new Set<Promise<unknown>>();
  const onSlice = (done: SliceDone): void => {
    const { sequence, exam } = done;
    if (!sequence.seriesUid || sequence.seriesNumber === null) return;
    if (current?.seriesUid !== sequence.seriesUid) {
      current = {
        study: {
          studyUid: exam.studyUid,
          patientName: exam.patient.name,
          patientId: exam.patient.id,
          studyDescription: exam.description,
          patientBirthDate: exam.patient.birthDate,
          patientSex: exam.patient.sex,
          accessionNumber: exam.accessionNumber,
          studyDate: new Date(exam.openedAt),
        },
        sequence,
        seriesNumber: sequence.seriesNumber,
        seriesUid: sequence.seriesUid,
        // Fixed here, not where the worker first renders: every slice of the series is dated from its start.
        acquiredAt: new Date(),
        fieldStrengthT: site.fieldStrengthT,
        institutionName: site.name,
        stationName: site.scanner,
      };
    }
    renderer ??= createSliceRenderPool(limits);
    const published = pipeline.acceptPending(renderer.run({ series: current, index: done.index }), 'simulator', done.imagesInSeries);
    rendering.add(published);
    void published.finally(() => rendering.delete(published));
  };
  scanner.on('slice-done', onSlice);
  return async () => {
    scanner.off('slice-done', onSlice);
    await Promise.all(rendering);
    await renderer?.close();
  };
}
