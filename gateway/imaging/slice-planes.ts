/**
 * Where each image of a series lies in patient space (PS3.3 C.7.6.2.1.1, LPS: +x patient's
 * left, +y posterior, +z head) and the tissue map the phantom gives there.
 *
 * Series are axial slabs, except the three-plane localizer: a scout acquired as sagittal,
 * coronal and axial images through the head's centre, so the technologist can plan the next
 * series on all three planes, as every MR console's first sequence does.
 *
 * The phantom rasterises axial slices only; a sagittal or coronal image is assembled from one
 * thin axial strip per image row (3 columns or 3 rows wide, the middle one on the plane), with
 * the roles of the voxel sizes swapped so partial volume stays right: the strip's "slice
 * thickness" is the image's row spacing and its in-plane step across the plane is the
 * localizer's slice spacing.
 */
import type { QueuedSequence } from '../../protocol/scanner.js';
import { PHANTOM_SLAB_CENTRE_Z_MM, phantomSlice } from './phantom.js';

type PlaneName = 'sagittal' | 'coronal' | 'axial';

/** Image Orientation (Patient): row direction cosines, then column direction cosines. */
type Orientation = readonly [number, number, number, number, number, number];

/**
 * Conventional display of each plane: axial with anterior up and the patient's right on the
 * viewer's left; sagittal with anterior on the left and the head up; coronal with the patient's
 * right on the left and the head up.
 */
const PLANE_ORIENTATION: Record<PlaneName, Orientation> = {
  axial: [1, 0, 0, 0, 1, 0],
  sagittal: [0, 1, 0, 0, 0, -1],
  coronal: [1, 0, 0, 0, 0, -1],
};

/** x of the middle sagittal plane, mm (negative: the patient's right). */
const SAGITTAL_CENTRE_X_MM = -10;

/** Library protocol ids acquired as three orthogonal planes. */
const THREE_PLANE_PROTOCOLS = new Set(['localizer']);

export function isThreePlane(sequence: Pick<QueuedSequence, 'protocolId'>): boolean {
  return THREE_PLANE_PROTOCOLS.has(sequence.protocolId);
}

export interface ImagePlane {
  plane: PlaneName;
  orientation: Orientation;
  /** Image Position (Patient): centre of the first transmitted pixel, mm. */
  positionMm: [number, number, number];
  /** The plane's coordinate along the axis it is normal to (Slice Location), mm. */
  locationMm: number;
}

export interface PlaneLayout {
  rows: number;
  columns: number;
  rowSpacingMm: number;
  columnSpacingMm: number;
  spacingBetweenSlicesMm: number;
  slices: number;
}

/** Plane of image `slice` (0-based within one b-value block) of a series. */
export function imagePlane(layout: PlaneLayout, slice: number, threePlane: boolean): ImagePlane {
  const { plane, index, count } = threePlane ? threePlaneSlot(slice, layout.slices) : { plane: 'axial' as const, index: slice, count: layout.slices };
  const offset = (index - (count - 1) / 2) * layout.spacingBetweenSlicesMm;
  const orientation = PLANE_ORIENTATION[plane];
  // The image is centred on the magnet's axis in-plane; axial slabs centre on the ventricles.
  // Sagittal planes pass through the right lateral ventricle: the phantom models no midline
  // structures (callosum, brainstem), so its midline is only the fissure.
  const centre: [number, number, number] =
    plane === 'axial'
      ? [0, 0, PHANTOM_SLAB_CENTRE_Z_MM + offset]
      : plane === 'sagittal'
        ? [SAGITTAL_CENTRE_X_MM + offset, 0, PHANTOM_SLAB_CENTRE_Z_MM]
        : [0, offset, PHANTOM_SLAB_CENTRE_Z_MM];
  const halfWidth = ((layout.columns - 1) / 2) * layout.columnSpacingMm;
  const halfHeight = ((layout.rows - 1) / 2) * layout.rowSpacingMm;
  const positionMm = [0, 1, 2].map((k) => centre[k] - orientation[k] * halfWidth - orientation[3 + k] * halfHeight) as [number, number, number];
  const locationMm = plane === 'axial' ? centre[2] : plane === 'sagittal' ? centre[0] : centre[1];
  return { plane, orientation, positionMm: positionMm.map(round4) as [number, number, number], locationMm: round4(locationMm) };
}

/** Images of a three-plane localizer: the first third sagittal, then coronal, then axial. */
function threePlaneSlot(slice: number, slices: number): { plane: PlaneName; index: number; count: number } {
  const planes: PlaneName[] = ['sagittal', 'coronal', 'axial'];
  const start = (k: number) => Math.round((k * slices) / 3);
  for (let k = 2; k >= 0; k--) {
    if (slice >= start(k)) return { plane: planes[k], index: slice - start(k), count: start(k + 1) - start(k) };
  }
  return { plane: 'sagittal', index: slice, count: start(1) };
}

function round4(value: number): number {
  return Number(value.toFixed(4)) + 0; // + 0 turns -0 into 0
}

export interface TissueMap {
  tissueA: Uint8Array;
  tissueB: Uint8Array;
  fractionB: Uint8Array;
}

/** The phantom's tissues on one image plane, row by row as the image is transmitted. */
export function planeTissueMap(layout: PlaneLayout, image: ImagePlane, sliceThicknessMm: number): TissueMap {
  const { rows, columns, rowSpacingMm, columnSpacingMm } = layout;
  if (image.plane === 'axial') {
    return phantomSlice({ rows, columns, rowSpacingMm, columnSpacingMm, sliceThicknessMm, zMm: image.locationMm });
  }
  const n = rows * columns;
  const map: TissueMap = { tissueA: new Uint8Array(n), tissueB: new Uint8Array(n), fractionB: new Uint8Array(n) };
  // Three strips across the plane, one step apart: the middle one lies on it. A step equal to
  // the offset puts an off-centre plane on an outer strip.
  const step = Math.abs(image.locationMm) > 0 ? Math.abs(image.locationMm) : Math.max(sliceThicknessMm, 1);
  const pick = image.locationMm === 0 ? 1 : image.locationMm > 0 ? 2 : 0;
  for (let row = 0; row < rows; row++) {
    const zMm = image.positionMm[2] - row * rowSpacingMm;
    const strip =
      image.plane === 'sagittal'
        ? phantomSlice({ rows: columns, columns: 3, rowSpacingMm: columnSpacingMm, columnSpacingMm: step, sliceThicknessMm: rowSpacingMm, zMm })
        : phantomSlice({ rows: 3, columns, rowSpacingMm: step, columnSpacingMm, sliceThicknessMm: rowSpacingMm, zMm });
    for (let col = 0; col < columns; col++) {
      // Sagittal: image column runs along +y, the strip's rows; coronal: along +x, its columns.
      const from = image.plane === 'sagittal' ? col * 3 + pick : pick * columns + col;
      const to = row * columns + col;
      map.tissueA[to] = strip.tissueA[from];
      map.tissueB[to] = strip.tissueB[from];
      map.fractionB[to] = strip.fractionB[from];
    }
  }
  return map;
}
