/**
 * gateway/imaging: simulated MR images for the scanner simulator.
 *
 *   const imager = createSeriesImager({
 *     study: { studyUid, patientName, patientId, studyDescription },   // + optional birth date, sex, accession, studyDate
 *     sequence,                 // a QueuedSequence (kind + params decide contrast, geometry, image count)
 *     seriesNumber, seriesUid,
 *     seed?,                    // noise seed; default: hash of seriesUid. Same inputs -> same bytes
 *     acquiredAt?,              // acquisition start (dates/times in the files); default now
 *   });
 *   imager.imagesInSeries       // slices x b-values (EPI-DWI), else slices
 *   imager.sliceInfo(i)         // { instanceNumber, sopInstanceUid, sliceLocationMm, bValue } without rendering
 *   imager.renderSlice(i)       // Uint8Array: MR Image Storage Part 10 file, Explicit VR Little Endian
 *
 * Throws LarmorError with ErrorCode.IMAGE_INVALID_SEQUENCE (bad parameters, IR without TI) or
 * SLICE_OUT_OF_RANGE. SOP Instance UIDs are name-based (series UID + instance number), so a
 * re-rendered slice is the same instance. Images are 16-bit words with 12 stored bits; the matrix
 * is the sequence's own (rows = phase, columns = frequency), covering the full FOV both ways,
 * so a non-square matrix has non-square pixels (Pixel Spacing says so).
 *
 * Pipeline: phantom.ts (tissue maps, cached per geometry) -> signal.ts (SE/TSE, GRE, IR, DWI
 * equations with tissues.ts' 1.5 T values) -> noise.ts (Rician) -> mr-dataset.ts (attributes,
 * native-bridge writer). UIDs: base/node/uids.ts (2.25.<uuid>, PS3.5 B.2).
 */
export { createSeriesImager, type SeriesImager, type SeriesImagerOptions } from './series-imager.js';
export { MR_IMAGE_STORAGE } from './mr-dataset.js';
