import { useMemo } from 'react';
import { useApp } from '../store/store.js';
import { currentImage } from '../store/images-slice.js';
import { referenceLine, type ImageLine } from '../viewer/geometry.js';
import type { ImageMeta } from '../viewer/pixels.js';

interface Line extends ImageLine {
  uid: string;
  label: string;
}

/**
 * Reference lines: where the image each other series shows now cuts the displayed image (same
 * Frame of Reference, not parallel), as consoles draw the slices of a series on the localizer.
 * Drawn in image pixel coordinates under the canvas's own transform.
 */
export function ReferenceLines({ uid, image, transform }: { uid: string; image: ImageMeta; transform: string | undefined }) {
  const order = useApp((s) => s.seriesOrder);
  const series = useApp((s) => s.series);
  const seriesViews = useApp((s) => s.seriesViews);
  const lines = useMemo(() => {
    const found: Line[] = [];
    for (const other of order) {
      if (other === uid) continue;
      const shown = currentImage({ series, seriesViews }, other);
      if (!shown) continue;
      const line = referenceLine(image, shown.image.meta);
      if (line) found.push({ ...line, uid: other, label: `Se ${shown.record.number ?? '—'}` });
    }
    return found;
  }, [uid, image, order, series, seriesViews]);
  if (lines.length === 0) return null;
  return (
    <svg
      className="viewer-reference-lines"
      data-testid="reference-lines"
      width={image.columns}
      height={image.rows}
      viewBox={`-0.5 -0.5 ${image.columns} ${image.rows}`}
      style={{ transform }}
      aria-hidden="true"
    >
      {lines.map((line) => (
        <g key={line.uid} data-testid="reference-line" data-series-uid={line.uid}>
          <line x1={line.x1} y1={line.y1} x2={line.x2} y2={line.y2} vectorEffect="non-scaling-stroke">
            <title>{line.label}</title>
          </line>
        </g>
      ))}
    </svg>
  );
}
