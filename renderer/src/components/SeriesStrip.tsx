import { memo, useLayoutEffect, useRef } from 'react';
import { appStore, useApp } from '../store/store.js';
import { lutRange } from '../viewer/pixels.js';
import { cachedVoiLut, isInverted } from '../viewer/voi-lut.js';
import { renderThumbnail } from '../viewer/render.js';
import { imageWindow } from '../viewer/window-level.js';
import { seriesTotal, thumbnailImage } from '../viewer/series.js';
import { pixelShape } from '../viewer/geometry.js';
import { catalogueThumbnailRgba } from '../viewer/catalogue-thumbnail.js';
import './viewer.css';

/** Thumbnail edge in canvas pixels. */
const THUMB_SIZE = 64;

/** Series thumbnails in series order, newest last; the newest is followed unless the user picked another. */
export function SeriesStrip() {
  const order = useApp((s) => s.seriesOrder);
  const follow = useApp((s) => s.followLatest);
  const hasSeries = order.length > 0;
  return (
    <div className="panel series-region series-strip" role="region" aria-label="Series strip" data-region="series-strip">
      <div className="strip-head">
        <h2 className="panel-title">Series</h2>
        <button
          type="button"
          className={`small follow-toggle${follow ? ' on' : ''}`}
          aria-pressed={follow}
          data-testid="follow-latest"
          disabled={!hasSeries}
          title={
            hasSeries
              ? follow
                ? 'The viewer moves to each new series as it starts. Pick another series to stop.'
                : 'Show the newest series and keep following new ones'
              : 'No series received yet'
          }
          onClick={() => appStore.getState().followNewestSeries()}
        >
          <span aria-hidden="true">{follow ? '● ' : '○ '}</span>
          {follow ? 'Following newest' : 'Follow newest'}
        </button>
      </div>
      {hasSeries ? (
        <ol className="strip-list">
          {order.map((uid) => (
            <SeriesThumb key={uid} uid={uid} />
          ))}
        </ol>
      ) : (
        <p className="empty-note strip-empty">No series yet.</p>
      )}
    </div>
  );
}

/** Re-renders only for its own series: an image arriving in one series leaves the other thumbnails alone. */
const SeriesThumb = memo(function SeriesThumb({ uid }: { uid: string }) {
  const record = useApp((s) => s.series[uid]);
  const selected = useApp((s) => s.selectedSeriesUid === uid);
  const newest = useApp((s) => s.newestSeriesUid === uid);
  const canvas = useRef<HTMLCanvasElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const representative = record ? thumbnailImage(record) : null;
  // The gateway's thumbnail, for a series whose images are not here (someone who joined late, or released ones).
  const catalogueThumbnail = representative ? null : (record?.thumbnail ?? null);
  // The acquisition behind the series, when it is in this exam's queue: it says whether more will come.
  const sequence = useApp((s) => s.snapshot?.queue.find((q) => q.seriesUid === uid) ?? null);

  // Drawn once per change of representative image (the middle of what has arrived), at its own window.
  useLayoutEffect(() => {
    const el = canvas.current;
    const context = el?.getContext('2d');
    if (!el || !context) return;
    if (!representative) {
      const thumb = catalogueThumbnail ? catalogueThumbnailRgba(catalogueThumbnail) : null;
      context.clearRect(0, 0, el.width, el.height);
      if (!thumb) return;
      const data = context.createImageData(thumb.width, thumb.height);
      data.data.set(thumb.rgba);
      context.putImageData(data, Math.floor((THUMB_SIZE - thumb.width) / 2), Math.floor((THUMB_SIZE - thumb.height) / 2));
      return;
    }
    const { meta, pixels } = representative;
    // The table the viewport uses too (see lutRange): while both show the image's own window, it is built once.
    const { minStored, maxStored } = lutRange(pixels);
    const lut = cachedVoiLut({
      minStored,
      maxStored,
      rescaleSlope: meta.rescaleSlope,
      rescaleIntercept: meta.rescaleIntercept,
      window: imageWindow(representative),
      inverted: isInverted(meta.photometricInterpretation, false),
    });
    const thumb = renderThumbnail(pixels, meta.rows, meta.columns, lut, minStored, THUMB_SIZE, pixelShape(meta));
    context.clearRect(0, 0, el.width, el.height);
    const data = context.createImageData(thumb.width, thumb.height);
    data.data.set(thumb.rgba);
    context.putImageData(data, Math.floor((THUMB_SIZE - thumb.width) / 2), Math.floor((THUMB_SIZE - thumb.height) / 2));
  }, [representative, catalogueThumbnail]);

  // Keep the selected thumbnail in view when it becomes selected or moves in the strip; not on every
  // image it receives: scrollIntoView forces a layout, once per live image on the critical path.
  const position = useApp((s) => s.seriesOrder.indexOf(uid));
  useLayoutEffect(() => {
    if (selected) button.current?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [selected, position]);

  if (!record) return null;
  const total = seriesTotal(record);
  // Known to exist: here, released to save memory, or held at the gateway.
  const known = Math.max(record.images.length + (record.evicted?.length ?? 0), record.held?.length ?? 0);
  const incomplete = record.expected !== null && known < record.expected;
  const notHere = known - record.images.length;
  const status = seriesStatus(sequence?.status ?? null, incomplete);
  return (
    <li>
      <button
        type="button"
        ref={button}
        className={`series-thumb${selected ? ' selected' : ''}`}
        data-testid="series-thumb"
        data-series-uid={uid}
        data-images={record.images.length}
        data-not-loaded={notHere}
        aria-pressed={selected}
        title={`Series ${record.number ?? '—'} ${record.description}: ${record.images.length} of ${total} images${notHere > 0 ? ` here, ${notHere} at the scanner (opened: loaded)` : ''}${status ? `, ${status.word}` : ''}${sequence?.endReason ? ` (${sequence.endReason})` : ''}`}
        data-status={status?.key ?? 'complete'}
        onClick={() => appStore.getState().selectSeries(uid)}
      >
        <canvas ref={canvas} className="thumb-canvas" width={THUMB_SIZE} height={THUMB_SIZE} aria-hidden="true" />
        <span className="thumb-text">
          <span className="thumb-title">
            <span className="mono">{record.number ?? '—'}</span> {record.description || 'Unnamed series'}
          </span>
          <span className="thumb-count mono">
            {record.images.length}/{total}
            {status ? (
              <span className={`tone-${status.tone}`} data-testid="series-status">
                {' '}
                {status.icon} {status.word}
              </span>
            ) : null}
          </span>
          <span className="thumb-state">
            {notHere > 0 ? (
              <span className="muted" data-testid="series-at-gateway">
                {record.images.length === 0 ? 'at scanner' : `${notHere} at scanner`}
              </span>
            ) : null}
            {selected ? <span className="tone-info">▶ Viewing</span> : null}
            {newest && !selected ? <span className="muted">newest</span> : null}
          </span>
        </span>
      </button>
    </li>
  );
});

/**
 * What a thumbnail says about its series: images still coming only while its acquisition runs;
 * an acquisition that ended early says so instead of "receiving" for ever.
 */
export function seriesStatus(sequenceStatus: string | null, incomplete: boolean): { key: string; word: string; icon: string; tone: 'info' | 'warn' } | null {
  if (sequenceStatus === 'aborted') return { key: 'stopped', word: 'stopped early', icon: '■', tone: 'warn' };
  if (sequenceStatus === 'paused') return { key: 'paused', word: 'paused', icon: '❚❚', tone: 'warn' };
  return incomplete ? { key: 'receiving', word: 'receiving', icon: '●', tone: 'info' } : null;
}
