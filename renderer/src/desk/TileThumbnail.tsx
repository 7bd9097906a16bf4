import { useEffect, useMemo, useRef } from 'react';
import type { DeskThumbnail } from '../../../protocol/desk.js';
import { fitInBox, thumbnailRgba } from './thumbnail-pixels.js';

const BOX_PX = 64;

/** The newest image of a scanner, small, in its own aspect; an empty frame says there is none yet. */
export function TileThumbnail({ thumbnail }: { thumbnail: DeskThumbnail | null }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // Desk pushes come up to ten times a second; the pixels are converted only when the image changes.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const rgba = useMemo(() => (thumbnail ? thumbnailRgba(thumbnail) : null), [thumbnail?.pixelsBase64, thumbnail?.width, thumbnail?.height]);
  useEffect(() => {
    const element = canvas.current;
    if (!element || !thumbnail || !rgba) return;
    element.width = thumbnail.width;
    element.height = thumbnail.height;
    element.getContext('2d')?.putImageData(new ImageData(rgba, thumbnail.width, thumbnail.height), 0, 0);
    // Redrawn only when another image becomes the newest.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rgba]);
  if (!thumbnail || !rgba) {
    return (
      <span className="tile-thumb empty" aria-hidden="true">
        No image
      </span>
    );
  }
  const size = fitInBox(thumbnail.width, thumbnail.height, BOX_PX);
  return (
    <span className="tile-thumb" aria-hidden="true">
      <canvas ref={canvas} style={{ width: size.width, height: size.height }} data-testid="tile-thumbnail" />
    </span>
  );
}
