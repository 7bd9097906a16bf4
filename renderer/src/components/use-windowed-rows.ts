import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { placeAt, rowOffsets, rowWindow, typicalHeight, viewTop, type RowPlace, type RowWindow } from '../logic/row-window.js';

export interface WindowedRowsOptions {
  /** Keep the end of the list in view (following the newest) rather than the reader's place. */
  pinToEnd: boolean;
  /** Rows rendered beyond the view on either side. */
  overscan: number;
  /** A row's height before any row was measured. */
  rowHeight: number;
}

export interface WindowedRows<K> {
  range: RowWindow;
  /** The ref for the row with this key (the same function each time, so memoised rows stay so): measures the row while it is in the DOM. */
  rowRef(key: K): (el: HTMLElement | null) => void;
}

/** The reader's place by the row's key, so that it holds when rows above are dropped or measured. */
interface Anchor<K> {
  key: K;
  into: number;
}

/**
 * Renders only the rows of `keys` that are in view in `scroller` (plus `overscan` either side),
 * with spacers for the rest (logic/row-window.ts). Rows may have any height, and change it (text
 * that wraps, a row opened): each rendered row is measured with a ResizeObserver, whose callbacks
 * run after layout and before paint (HTML, "update the rendering": resize observations are
 * broadcast after layout), so following the end from there is never a frame late.
 *
 * Keeps what the reader sees where it is: with `pinToEnd`, the end of the list; otherwise the
 * row at the top of the view, by key, so that its node stays in the DOM while rows above it are
 * added, dropped or measured, and the browser's scroll anchoring (CSS Scroll Anchoring) keeps it
 * in place. Anchoring moves an ongoing smooth scroll with it, where setting scrollTop would end
 * it. The spacers must not be anchors (`overflow-anchor: none`): their height is what changes.
 */
export function useWindowedRows<K>(scroller: RefObject<HTMLElement | null>, keys: readonly K[], options: WindowedRowsOptions): WindowedRows<K> {
  const { pinToEnd, overscan, rowHeight } = options;
  const heights = useRef(new Map<K, number>());
  const [measured, setMeasured] = useState(0);
  const [viewHeight, setViewHeight] = useState(0);
  const [anchor, setAnchor] = useState<Anchor<K> | null>(null);

  const offsets = useMemo(() => {
    const known = heights.current;
    const typical = typicalHeight(known.values(), rowHeight);
    return rowOffsets(keys.map((key) => known.get(key) ?? typical));
    // `measured` counts the measurements that changed a height in `heights`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keys, measured, rowHeight]);
  const indexOf = useMemo(() => new Map(keys.map((key, i) => [key, i])), [keys]);
  const anchorIndex = anchor ? indexOf.get(anchor.key) : undefined;
  const readerAt = anchor && anchorIndex !== undefined ? { index: anchorIndex, into: anchor.into } : null;
  const range = rowWindow(offsets, viewTop(offsets, readerAt, pinToEnd), viewHeight, overscan);

  // What the DOM shows now, for the scroll and resize callbacks (set after each commit).
  const shown = useRef({ keys, offsets, range, pinToEnd });
  // The reader's place as of the latest scroll: set at once, because a resize callback may come
  // before React renders that scroll.
  const place = useRef<Anchor<K> | null>(null);
  const elements = useRef(new Map<K, HTMLElement>());
  const keyOfElement = useRef(new WeakMap<Element, K>());
  const refs = useRef(new Map<K, (el: HTMLElement | null) => void>());
  const observer = useRef<ResizeObserver | null>(null);
  const followFrame = useRef(0);
  const focusLost = useRef(false);

  /** Tops of the rendered rows as laid out now, and the bottom of the last, in the scroller's content. */
  const laidOut = useCallback((): number[] => {
    const el = scroller.current;
    const { keys: rows, range: w } = shown.current;
    if (!el || w.end === w.start) return [];
    const origin = el.getBoundingClientRect().top + el.clientTop - el.scrollTop;
    const tops: number[] = [];
    let bottom = w.before;
    for (let i = w.start; i < w.end; i++) {
      const row = elements.current.get(rows[i]!);
      if (!row) return [];
      const box = row.getBoundingClientRect();
      tops.push(box.top - origin);
      bottom = box.bottom - origin;
    }
    tops.push(bottom);
    return tops;
  }, [scroller]);

  /** Puts the view on the end of the list. */
  const toEnd = useCallback(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [scroller]);

  /** The stable ref function for one row's key. */
  const rowRef = useCallback((key: K) => {
    let ref = refs.current.get(key);
    if (!ref) {
      ref = (row: HTMLElement | null) => {
        const before = elements.current.get(key);
        if (before && before !== row) {
          observer.current?.unobserve(before);
          elements.current.delete(key);
          // A row leaving the DOM with the focus in it would drop the focus on the page, and the
          // keys that scrolled the log would scroll the page: the log takes it back (below).
          if (before.contains(document.activeElement)) focusLost.current = true;
        }
        if (row) {
          elements.current.set(key, row);
          keyOfElement.current.set(row, key);
          observer.current?.observe(row);
        }
      };
      refs.current.set(key, ref);
    }
    return ref;
  }, []);

  // Before any other effect here, so that they and the callbacks see this commit.
  useLayoutEffect(() => {
    shown.current = { keys, offsets, range, pinToEnd };
  });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setViewHeight(el.clientHeight);
    const resized = new ResizeObserver((entries) => {
      let viewResized = false;
      let rowResized = false;
      for (const entry of entries) {
        if (entry.target === el) {
          viewResized = true;
          continue;
        }
        const key = keyOfElement.current.get(entry.target);
        if (key === undefined || elements.current.get(key) !== entry.target) continue;
        const height = entry.borderBoxSize[0]?.blockSize ?? entry.target.getBoundingClientRect().height;
        if (heights.current.get(key) !== height) {
          heights.current.set(key, height);
          rowResized = true;
        }
      }
      if (!viewResized && !rowResized) return;
      if (shown.current.pinToEnd) toEnd();
      if (viewResized) setViewHeight(el.clientHeight);
      if (rowResized) setMeasured((n) => n + 1);
    });
    observer.current = resized;
    resized.observe(el);
    for (const row of elements.current.values()) resized.observe(row);
    const onScroll = () => {
      const { offsets: o, range: w, keys: rows } = shown.current;
      const tops = laidOut();
      const at = placeAt(o, tops.length > 0 ? w : { ...w, end: w.start }, tops, el.scrollTop);
      const next = at ? placeToAnchor(at, rows) : null;
      place.current = next;
      setAnchor((prev) => (sameAnchor(prev, next) ? prev : next));
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      el.removeEventListener('scroll', onScroll);
      resized.disconnect();
      observer.current = null;
      cancelAnimationFrame(followFrame.current);
    };
  }, [scroller, laidOut, toEnd]);

  // A row that had the focus left the DOM in this commit: the focus goes back to the list.
  useLayoutEffect(() => {
    if (!focusLost.current) return;
    focusLost.current = false;
    const el = scroller.current;
    if (el && (document.activeElement === null || document.activeElement === document.body)) el.focus({ preventScroll: true });
  });

  // When what the list holds or shows changed, the view where the reader had it. At the end: in
  // the next frame, before it paints, since reading scrollHeight now would force a layout per
  // event (an event per live image), where the frame lays out once for all that changed. Not on
  // every commit: a scroll re-renders too, and pulling the view back to the end then would undo
  // the first step of a smooth scroll up before it gets away from the end. On the reader's row:
  // the browser keeps it in place itself (CSS Scroll Anchoring) as rows above it are added,
  // dropped or measured, since the window is built around it by key, so its node stays.
  const { start, end, before, after } = range;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (!pinToEnd) {
      // The reader's row has dropped off the front of the list: go on from the oldest row kept.
      if (place.current && !indexOf.has(place.current.key)) {
        place.current = null;
        el.scrollTop = 0;
      }
      return;
    }
    if (followFrame.current) return;
    followFrame.current = requestAnimationFrame(() => {
      followFrame.current = 0;
      if (shown.current.pinToEnd) toEnd();
    });
  }, [scroller, toEnd, indexOf, pinToEnd, viewHeight, start, end, before, after]);

  // Forget rows that have left the list, so that a long session does not keep every height.
  useEffect(() => {
    const kept = 2 * keys.length + PRUNE_SLACK;
    if (heights.current.size <= kept && refs.current.size <= kept) return;
    const present = new Set(keys);
    for (const key of heights.current.keys()) if (!present.has(key)) heights.current.delete(key);
    for (const key of refs.current.keys()) if (!present.has(key) && !elements.current.has(key)) refs.current.delete(key);
  }, [keys]);

  return { range, rowRef };
}

/** Rows that left the list whose heights may be kept, so that forgetting them is not a pass over the list per new row. */
const PRUNE_SLACK = 64;

function placeToAnchor<K>(at: RowPlace, keys: readonly K[]): Anchor<K> | null {
  const key = keys[at.index];
  return key === undefined ? null : { key, into: at.into };
}

function sameAnchor<K>(a: Anchor<K> | null, b: Anchor<K> | null): boolean {
  if (a === null || b === null) return a === b;
  return a.key === b.key && Math.abs(a.into - b.into) < 0.5;
}
