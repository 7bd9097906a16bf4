import { useRef, useState, type PointerEvent, type RefObject } from 'react';
import { MAX_MARK_POINTS } from '../../../protocol/collaboration.js';
import { extendMark, isDrawnEnough, toImagePoint } from '../../../base/common/image-marks.js';
import { appStore, useApp } from '../store/store.js';
import type { MarkDraft } from './MarksOverlay.js';
import { useCanMark } from './MarkTools.js';

/** A drag shorter than this on screen is a click, not a mark. */
const MIN_MARK_SCREEN_PX = 6;

/**
 * Drawing a mark with the left button while a mark tool is picked. The viewport asks first on
 * every pointer event; `true` means the event was a mark's and the viewer's own drag must not run.
 * The marked image is held on screen (as paging through the slices holds it), so the mark stays
 * in view while the scanner's later slices arrive.
 * Points are taken from the canvas's bounding box, i.e. in image pixels whatever the zoom.
 */
export function useMarkDrawing(
  canvas: RefObject<HTMLCanvasElement | null>,
  image: { seriesUid: string; sopInstanceUid: string; columns: number; rows: number } | null,
) {
  const tool = useApp((s) => s.markTool);
  const canMark = useCanMark();
  const [draft, setDraft] = useState<MarkDraft | null>(null);
  const drawing = useRef<{ draft: MarkDraft; sop: string; scale: number } | null>(null);

  const pointAt = (event: PointerEvent<HTMLElement>) => {
    const box = canvas.current!.getBoundingClientRect();
    return toImagePoint(event.clientX, event.clientY, box, image!.columns, image!.rows);
  };

  const down = (event: PointerEvent<HTMLElement>): boolean => {
    if (!tool || !canMark || !image || !canvas.current || event.button !== 0) return false;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    // The image being marked stays on screen: a slice arriving meanwhile must not take its place.
    appStore.getState().holdImage(image.seriesUid, image.sopInstanceUid);
    const box = canvas.current.getBoundingClientRect();
    const next = { shape: tool, points: [pointAt(event)] };
    drawing.current = { draft: next, sop: image.sopInstanceUid, scale: box.width / image.columns };
    setDraft(next);
    return true;
  };

  const move = (event: PointerEvent<HTMLElement>): boolean => {
    const d = drawing.current;
    if (!d) return false;
    const points = extendMark(d.draft.shape, d.draft.points, pointAt(event), MAX_MARK_POINTS, 1 / Math.max(d.scale, 1e-6));
    d.draft = { ...d.draft, points };
    setDraft(d.draft);
    return true;
  };

  const up = (): boolean => {
    const d = drawing.current;
    if (!d) return false;
    drawing.current = null;
    setDraft(null);
    if (isDrawnEnough(d.draft.points, MIN_MARK_SCREEN_PX / Math.max(d.scale, 1e-6))) {
      void appStore.getState().sendCollab('marks', { name: 'mark.add', sopInstanceUid: d.sop, shape: d.draft.shape, points: d.draft.points });
    }
    return true;
  };

  return { draft, drawingActive: tool !== null && canMark, down, move, up };
}
