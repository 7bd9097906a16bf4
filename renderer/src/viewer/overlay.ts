import type { ImageMeta } from './pixels.js';
import type { WindowLevel } from '../../../base/common/voi-window.js';
import { formatPersonName } from '../../../base/common/person-name.js';

/** Corner texts of the viewport, one array of lines per corner. */
export interface OverlayText {
  topLeft: string[];
  topRight: string[];
  bottomLeft: string[];
  bottomRight: string[];
}

/** Window values as whole numbers unless the image's units are finer than that. */
export function formatWindowValue(value: number): string {
  return Number.isInteger(value) || Math.abs(value) >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

function formatMm(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)} mm`;
}

export function overlayText(input: {
  meta: ImageMeta;
  position: number;
  total: number;
  received: number;
  window: WindowLevel;
  windowIsImages: boolean;
  inverted: boolean;
  zoom: number;
  /** The gateway removed the patient's identifiers for this viewer (observer PHI policy). */
  deidentified?: boolean;
  /**
   * The marks on this image, for a viewer who has no mark tools (an observer): said in a corner
   * rather than in a row of its own, which would take the image's height. Omitted where the
   * tools are shown.
   */
  marks?: number;
}): OverlayText {
  const { meta } = input;
  const series = [meta.seriesNumber !== null ? `Se ${meta.seriesNumber}` : 'Se —', meta.seriesDescription].filter(Boolean).join('  ');
  const instance = `Im ${input.position}/${input.total}` + (input.received < input.total ? `  (${input.received} received)` : '');
  const windowLine = `W ${formatWindowValue(input.window.width)}  L ${formatWindowValue(input.window.center)}` + (input.windowIsImages ? '' : '  (adjusted)');
  return {
    topLeft: input.deidentified
      ? ['De-identified', meta.studyDescription].filter(Boolean)
      : [formatPersonName(meta.patientName) || 'No patient name', meta.patientId ? `ID ${meta.patientId}` : '', meta.studyDescription].filter(Boolean),
    topRight: [series, instance, meta.instanceNumber !== null ? `Instance ${meta.instanceNumber}` : ''].filter(Boolean),
    bottomLeft: [
      windowLine,
      `Zoom ${Math.round(input.zoom * 100)} %` + (input.inverted ? '  Inverted' : ''),
      ...(input.marks === undefined ? [] : [marksLine(input.marks)]),
    ],
    bottomRight: [`Loc ${formatMm(meta.sliceLocationMm)}`, `Thk ${formatMm(meta.sliceThicknessMm)}`, `${meta.columns} x ${meta.rows}`],
  };
}

function marksLine(count: number): string {
  return count === 0 ? 'No marks' : count === 1 ? '1 mark' : `${count} marks`;
}
