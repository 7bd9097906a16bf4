import { useMemo } from 'react';
import type { ImagePoint, Mark, MarkShape } from '../../../protocol/collaboration.js';
import { markDrawing } from '../../../base/common/image-marks.js';
import { useApp } from '../store/store.js';
import { ROLE_WORDS } from './collab-words.js';

/** Arrow heads are this long on screen whatever the zoom. */
const HEAD_SCREEN_PX = 14;

const NO_MARKS: Mark[] = [];

export interface MarkDraft {
  shape: MarkShape;
  points: ImagePoint[];
}

/**
 * The marks on the image shown: an SVG in image pixel coordinates under the canvas's own CSS
 * transform, so zoom, pan and window size move them with the anatomy. Strokes keep their
 * screen width (non-scaling-stroke).
 */
export function MarksOverlay({
  sopInstanceUid,
  columns,
  rows,
  transform,
  scale,
  draft,
}: {
  sopInstanceUid: string;
  columns: number;
  rows: number;
  transform: string | undefined;
  scale: number;
  draft: MarkDraft | null;
}) {
  const all = useApp((s) => s.collab?.marks ?? NO_MARKS);
  const marks = useMemo(() => all.filter((m) => m.sopInstanceUid === sopInstanceUid), [all, sopInstanceUid]);
  if (marks.length === 0 && !draft) return null;
  const head = HEAD_SCREEN_PX / Math.max(scale, 1e-6);
  return (
    <svg
      className="viewer-marks"
      data-testid="viewer-marks"
      width={columns}
      height={rows}
      viewBox={`0 0 ${columns} ${rows}`}
      style={{ transform }}
      aria-hidden="true"
    >
      {marks.map((m) => (
        <MarkShapeSvg
          key={m.id}
          shape={m.shape}
          points={m.points}
          head={head}
          className={`mark by-${m.by.role}`}
          testId="mark"
          title={`${m.by.name} (${ROLE_WORDS[m.by.role]})`}
          markId={m.id}
        />
      ))}
      {draft && draft.points.length >= 2 ? (
        <MarkShapeSvg shape={draft.shape} points={draft.points} head={head} className="mark draft" testId="mark-draft" title="Drawing" markId="draft" />
      ) : null}
    </svg>
  );
}

function MarkShapeSvg({
  shape,
  points,
  head,
  className,
  testId,
  title,
  markId,
}: {
  shape: MarkShape;
  points: ImagePoint[];
  head: number;
  className: string;
  testId: string;
  title: string;
  markId: string;
}) {
  const d = markDrawing(shape, points, head);
  const common = { 'data-testid': testId, 'data-mark-id': markId, 'data-shape': shape, 'data-points': JSON.stringify(points) };
  switch (d.kind) {
    case 'circle':
      return (
        <g {...common} className={className}>
          <title>{title}</title>
          <circle className={className} cx={d.cx} cy={d.cy} r={d.r} vectorEffect="non-scaling-stroke" />
        </g>
      );
    case 'arrow':
      return (
        <g {...common} className={className}>
          <title>{title}</title>
          <path className={className} d={d.line} vectorEffect="non-scaling-stroke" />
          <polygon className={`mark-head ${className.includes('by-onsite') ? 'by-onsite' : ''}`} points={d.head} />
        </g>
      );
    case 'freehand':
      return (
        <g {...common} className={className}>
          <title>{title}</title>
          <path className={className} d={d.path} vectorEffect="non-scaling-stroke" />
        </g>
      );
  }
}
