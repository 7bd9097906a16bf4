import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { appStore, useApp } from '../store/store.js';
import { currentImage, INITIAL_SERIES_VIEW, type SeriesView } from '../store/images-slice.js';
import { lutRange } from '../viewer/pixels.js';
import type { WindowLevel } from '../../../base/common/voi-window.js';
import { cachedVoiLut, isInverted } from '../viewer/voi-lut.js';
import { renderGrey } from '../viewer/render.js';
import { dragWindow, effectiveWindow, rescaledSpan, WINDOW_PRESETS } from '../viewer/window-level.js';
import { overlayText } from '../viewer/overlay.js';
import { seriesTotal } from '../viewer/series.js';
import { formatClock } from '../../../base/common/clock.js';
import { orientationMarkers, pixelShape } from '../viewer/geometry.js';
import { ReferenceLines } from './ReferenceLines.js';
import { MarksOverlay } from '../collab/MarksOverlay.js';
import { MarkTools, useCanMark, useMarkCount } from '../collab/MarkTools.js';
import { useMarkDrawing } from '../collab/use-mark-drawing.js';
import './viewer.css';

const MIN_ZOOM = 0.25;
const MAX_ZOOM = 16;
/** Pixels of wheel travel per slice for pixel-mode wheels and trackpads. */
const WHEEL_PIXELS_PER_SLICE = 40;

const HELP =
  'Left drag: window (horizontal) and level (vertical). Wheel, arrow or page keys: slice. Right drag: zoom. ' +
  'Middle drag: pan. Double click: fit. R: reset. I: invert. 1-5: window presets (' +
  WINDOW_PRESETS.map((p) => `${p.key} ${p.label}`).join(', ') +
  ').';

type DragMode = 'window' | 'zoom' | 'pan';
interface Drag {
  mode: DragMode;
  x: number;
  y: number;
  uid: string;
  window: WindowLevel;
  span: number;
  zoom: number;
  panX: number;
  panY: number;
}

/**
 * The live image viewport (docs/architecture.md "The image's path"): one canvas pixel per image
 * pixel; zoom, pan and the pixel's physical shape (Pixel Spacing) are a CSS transform, so a
 * non-square pixel is drawn as wide as it is.
 */
export function Viewport() {
  const uid = useApp((s) => s.selectedSeriesUid);
  const deidentified = useApp((s) => s.snapshot?.deidentified === true);
  const record = useApp((s) => (uid ? s.series[uid] : undefined));
  const view: SeriesView = useApp((s) => (uid ? s.seriesViews[uid] : undefined)) ?? INITIAL_SERIES_VIEW;
  const refusal = useApp((s) => s.imageRefusal);
  const shown = record && uid ? currentImage({ series: { [uid]: record }, seriesViews: { [uid]: view } }, uid) : null;
  const image = shown?.image ?? null;

  const stage = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });

  useLayoutEffect(() => {
    const el = stage.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    setSize({ width: el.clientWidth, height: el.clientHeight });
    return () => observer.disconnect();
  }, []);

  const voi = image ? effectiveWindow(image, view.window) : null;
  const inverted = image ? isInverted(image.meta.photometricInterpretation, view.invert) : false;

  // One RGBA buffer for as long as the matrix stays the same: a fresh megabyte per live image
  // costs page faults on first write and garbage-collection pauses later.
  const frameBuffer = useRef<ImageData | null>(null);

  // Redraw only when the image or its presentation changes, in the same commit as the canvas's
  // data attributes. While the series shares one window the LUT is built once, not per image
  // (see lutRange), and the pixels are not decoded again.
  useLayoutEffect(() => {
    const el = canvas.current;
    const context = el?.getContext('2d');
    if (!image || !voi || !context) return;
    const { minStored, maxStored } = lutRange(image.pixels);
    const lut = cachedVoiLut({
      minStored,
      maxStored,
      rescaleSlope: image.meta.rescaleSlope,
      rescaleIntercept: image.meta.rescaleIntercept,
      window: voi,
      inverted,
    });
    const { columns, rows } = image.meta;
    let data = frameBuffer.current;
    if (!data || data.width !== columns || data.height !== rows) data = frameBuffer.current = context.createImageData(columns, rows);
    renderGrey(image.pixels, lut, minStored, data.data);
    context.putImageData(data, 0, 0);
    // voi is rebuilt on every render; its two numbers are what matter.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- depends on voi's values, not its identity
  }, [image, voi?.center, voi?.width, inverted]);

  // Pointer moves arrive faster than frames; apply at most one view change per frame.
  const pending = useRef<{ uid: string; change: Partial<SeriesView> } | null>(null);
  const frame = useRef(0);
  const schedule = (targetUid: string, change: Partial<SeriesView>) => {
    pending.current = { uid: targetUid, change: { ...(pending.current?.change ?? {}), ...change } };
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const next = pending.current;
      pending.current = null;
      if (next) appStore.getState().updateSeriesView(next.uid, next.change);
    });
  };
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // React's wheel listener is passive; slicing must stop the page from scrolling, so listen natively.
  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    let travel = 0;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      // Keys act on what the user last pointed at: slicing with the wheel makes the viewer the key target too.
      if (document.activeElement !== el) el.focus({ preventScroll: true });
      if (event.deltaMode !== WheelEvent.DOM_DELTA_PIXEL) {
        appStore.getState().stepSlice(Math.sign(event.deltaY));
        return;
      }
      // A mouse notch (about 100 px) is one slice; a trackpad's small deltas add up to one.
      travel = Math.abs(event.deltaY) >= WHEEL_PIXELS_PER_SLICE ? event.deltaY : travel + event.deltaY;
      if (Math.abs(travel) >= WHEEL_PIXELS_PER_SLICE) {
        appStore.getState().stepSlice(Math.sign(travel));
        travel = 0;
      }
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  // With a mark tool picked, the left drag draws a mark for the others instead of windowing.
  const marking = useMarkDrawing(
    canvas,
    image ? { seriesUid: image.meta.seriesUid, sopInstanceUid: image.meta.sopInstanceUid, columns: image.meta.columns, rows: image.meta.rows } : null,
  );

  const drag = useRef<Drag | null>(null);
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (!image || !uid || !voi) return;
    if (marking.down(event)) {
      stage.current?.focus({ preventScroll: true });
      return;
    }
    const mode: DragMode | null = event.button === 0 ? 'window' : event.button === 1 ? 'pan' : event.button === 2 ? 'zoom' : null;
    if (!mode) return;
    event.preventDefault();
    stage.current?.focus({ preventScroll: true });
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { mode, x: event.clientX, y: event.clientY, uid, window: voi, span: rescaledSpan(image), zoom: view.zoom, panX: view.panX, panY: view.panY };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (marking.move(event)) return;
    const d = drag.current;
    if (!d) return;
    const dx = event.clientX - d.x;
    const dy = event.clientY - d.y;
    if (d.mode === 'window') schedule(d.uid, { window: dragWindow(d.window, dx, dy, d.span) });
    else if (d.mode === 'zoom') schedule(d.uid, { zoom: clamp(d.zoom * 2 ** (-dy / 100), MIN_ZOOM, MAX_ZOOM) });
    else schedule(d.uid, { panX: d.panX + dx, panY: d.panY + dy });
  };
  const endDrag = () => {
    marking.up();
    drag.current = null;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey || !uid) return;
    const store = appStore.getState();
    const key = event.key;
    let handled = true;
    if (key === 'ArrowUp' || key === 'PageUp') store.stepSlice(-1);
    else if (key === 'ArrowDown' || key === 'PageDown') store.stepSlice(1);
    else if (key === 'Home') store.goToSlice(0);
    else if (key === 'End') store.goToSlice(Number.MAX_SAFE_INTEGER);
    else if (key === 'r' || key === 'R') store.updateSeriesView(uid, { window: null, invert: false, zoom: 1, panX: 0, panY: 0 });
    else if (key === 'i' || key === 'I') store.updateSeriesView(uid, { invert: !view.invert });
    else if (key === 'Escape' && store.markTool !== null) store.setMarkTool(null);
    else {
      const preset = WINDOW_PRESETS.find((p) => p.key === key);
      if (preset && image) store.updateSeriesView(uid, { window: preset.window(image) });
      else handled = false;
    }
    if (handled) event.preventDefault();
  };

  const pixel = image ? pixelShape(image.meta) : { width: 1, height: 1 };
  const fit =
    image && size.width > 0 && size.height > 0 ? Math.min(size.width / (image.meta.columns * pixel.width), size.height / (image.meta.rows * pixel.height)) : 1;
  const scale = fit * view.zoom;
  const scaleX = scale * pixel.width;
  const scaleY = scale * pixel.height;
  const transform = image
    ? `translate(${(size.width - image.meta.columns * scaleX) / 2 + view.panX}px, ${(size.height - image.meta.rows * scaleY) / 2 + view.panY}px) scale(${scaleX}, ${scaleY})`
    : undefined;
  const markers = image ? orientationMarkers(image.meta) : null;
  const canMark = useCanMark();
  // Counted only where the corner says it: an operator's count is the tools' own, and would
  // otherwise re-render the whole viewport with every mark drawn.
  const marks = useMarkCount(canMark ? null : (image?.meta.sopInstanceUid ?? null));

  const text = useMemo(
    () =>
      image && voi && record && shown
        ? overlayText({
            meta: image.meta,
            position: shown.index + 1,
            total: seriesTotal(record),
            received: record.images.length,
            window: voi,
            windowIsImages: view.window === null,
            inverted: view.invert,
            zoom: Math.min(scaleX, scaleY),
            deidentified,
            ...(canMark ? {} : { marks }),
          })
        : null,
    // eslint-disable-next-line react-hooks/exhaustive-deps -- voi and shown are rebuilt every render; their values are what matter
    [image, voi?.center, voi?.width, record, shown?.index, view.window, view.invert, scaleX, scaleY, deidentified, canMark, marks],
  );

  return (
    <div className="panel viewport-region viewer" role="region" aria-label="Viewport" data-region="viewport">
      {/* Above the image, not over it: the corners' text and the orientation markers stay clear. */}
      {image && uid && canMark ? <MarkTools sopInstanceUid={image.meta.sopInstanceUid} /> : null}
      {/* The stage and everything drawn over it share one box: marks and lines sit on the pixels. */}
      <div className="viewer-frame">
        <div
          className={`viewer-stage${marking.drawingActive ? ' drawing' : ''}`}
          ref={stage}
          tabIndex={0}
          title={HELP}
          aria-label={image ? `Image viewer. ${HELP}` : 'Image viewer, no image yet'}
          aria-keyshortcuts="ArrowUp ArrowDown PageUp PageDown Home End R I 1 2 3 4 5"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endDrag}
          onPointerCancel={endDrag}
          onLostPointerCapture={endDrag}
          onDoubleClick={() => uid && appStore.getState().updateSeriesView(uid, { zoom: 1, panX: 0, panY: 0 })}
          onContextMenu={(event) => event.preventDefault()}
          onMouseDown={(event) => event.button === 1 && event.preventDefault()}
          onKeyDown={onKeyDown}
        >
          {image && voi && uid && shown ? (
            <canvas
              ref={canvas}
              className="viewer-canvas"
              data-testid="viewport-canvas"
              width={image.meta.columns}
              height={image.meta.rows}
              style={{ transform }}
              role="img"
              aria-label={`Series ${record?.number ?? ''} ${record?.description ?? ''}, image ${shown.index + 1} of ${record ? seriesTotal(record) : 0}`}
              data-series-uid={uid}
              data-sop-instance-uid={image.meta.sopInstanceUid}
              data-instance={shown.index + 1}
              data-window-center={voi.center}
              data-window-width={voi.width}
              data-inverted={inverted}
              data-scale-x={scaleX}
              data-scale-y={scaleY}
            />
          ) : (
            <p className="viewer-empty">No images yet: live images appear here as the scanner sends them.</p>
          )}
        </div>
        {image && uid ? <ReferenceLines uid={uid} image={image.meta} transform={transform} /> : null}
        {image && uid ? (
          <MarksOverlay
            sopInstanceUid={image.meta.sopInstanceUid}
            columns={image.meta.columns}
            rows={image.meta.rows}
            transform={transform}
            scale={Math.min(scaleX, scaleY)}
            draft={marking.draft}
          />
        ) : null}
        {markers ? (
          <>
            <OrientationMarker edge="left" label={markers.left} />
            <OrientationMarker edge="right" label={markers.right} />
            <OrientationMarker edge="top" label={markers.top} />
            <OrientationMarker edge="bottom" label={markers.bottom} />
          </>
        ) : null}
        {text ? (
          <>
            <OverlayCorner corner="top-left" lines={text.topLeft} />
            <OverlayCorner corner="top-right" lines={text.topRight} />
            <OverlayCorner corner="bottom-left" lines={text.bottomLeft} />
            <OverlayCorner corner="bottom-right" lines={text.bottomRight} />
          </>
        ) : null}
        {refusal ? (
          <div className="viewer-refusal" role="status" data-testid="image-refusal" title={`${refusal.code} ${refusal.message}`}>
            <span className="tone-warn status-icon" aria-hidden="true">
              ▲
            </span>
            <span className="tone-warn refusal-word">Image refused</span>
            <span className="mono muted">{formatClock(refusal.at)}</span>
            {/* The label already says it; the rest is the code and the reason. */}
            <span className="refusal-text">
              <span className="code">{refusal.code}</span> {refusal.message}
            </span>
            <button
              type="button"
              className="ghost small"
              aria-label="Dismiss the image refusal notice"
              onClick={() => appStore.getState().dismissImageRefusal()}
            >
              ✕
            </button>
          </div>
        ) : null}
        <p className="viewer-watermark" data-testid="watermark">
          Not for diagnostic use
        </p>
      </div>
    </div>
  );
}

function OverlayCorner({ corner, lines }: { corner: string; lines: string[] }) {
  return (
    <div className={`viewer-overlay overlay-${corner}`} data-testid={`overlay-${corner}`}>
      {lines.map((line, index) => (
        <div key={index}>{line}</div>
      ))}
    </div>
  );
}

const EDGE_NAMES = { left: 'left', right: 'right', top: 'top', bottom: 'bottom' } as const;
const LETTER_WORDS: Record<string, string> = { L: 'left', R: 'right', A: 'anterior', P: 'posterior', H: 'head', F: 'feet' };

/** Patient direction at one edge of the viewport (PS3.3 C.7.6.1.1.1), spelled out for screen readers. */
function OrientationMarker({ edge, label }: { edge: keyof typeof EDGE_NAMES; label: string }) {
  if (!label) return null;
  const words = [...label].map((letter) => LETTER_WORDS[letter] ?? letter).join(' ');
  return (
    <div className={`viewer-orientation orientation-${edge}`} data-testid={`orientation-${edge}`} title={`Patient ${words} at the ${EDGE_NAMES[edge]} edge`}>
      <span aria-hidden="true">{label}</span>
      <span className="sr-only">{`${EDGE_NAMES[edge]} edge: patient ${words}`}</span>
    </div>
  );
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
