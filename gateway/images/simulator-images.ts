import type { ScannerSimulator, SliceDone } from '../simulator/scanner-simulator.js';
import { createSeriesImager, type SeriesImager } from '../imaging/index.js';
import type { ImagePipeline } from './image-pipeline.js';

/**
 * Turns the simulator's "slice done" moments into MR images: one series imager per series
 * (the phantom and contrast are computed once per series), one Part 10 file per slice, into the
 * shared image pipeline.
 */
export function streamSimulatorImages(
  scanner: ScannerSimulator,
  pipeline: ImagePipeline,
  site: { name: string; scanner: string; fieldStrengthT: number },
): () => void {
  const imagers = new Map<string, SeriesImager>();
  const onSlice = (done: SliceDone): void => {
    const { sequence, exam } = done;
    if (!sequence.seriesUid || sequence.seriesNumber === null) return;
    let imager = imagers.get(sequence.seriesUid);
    if (!imager) {
      imager = createSeriesImager({
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
        fieldStrengthT: site.fieldStrengthT,
        institutionName: site.name,
        stationName: site.scanner,
      });
      imagers.clear(); // one series acquires at a time: keep only the current one's phantom
      imagers.set(sequence.seriesUid, imager);
    }
    pipeline.acceptElements(imager.renderSliceElements(done.index), 'simulator', done.imagesInSeries);
  };
  scanner.on('slice-done', onSlice);
  return () => scanner.off('slice-done', onSlice);
}
