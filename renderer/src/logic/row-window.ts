/**
 * Which rows of a long list to put in the DOM: those in view and a few either side, with one
 * spacer above and one below standing in for the rest. Rows are stacked with no gap; every length
 * is in CSS pixels, along the list from its top. A row's height is what was measured when it was
 * last in the DOM, or a typical height until then; the spacers are sums of the same heights, so
 * where a row starts in the list (`offsets`) is exactly where the spacer above puts it.
 */

/** The rows [start, end) go in the DOM, after a spacer `before` px high and before one `after` px high. */
export interface RowWindow {
  start: number;
  end: number;
  before: number;
  after: number;
}

/** A place in the list as a row and how far into it: it stays on the same words when rows above are added, dropped or measured. */
export interface RowPlace {
  index: number;
  into: number;
}

/** Where each row starts: `offsets[i]` for row i, and `offsets[n]` is the height of all n rows. */
export function rowOffsets(heights: readonly number[]): Float64Array {
  const offsets = new Float64Array(heights.length + 1);
  for (let i = 0; i < heights.length; i++) offsets[i + 1] = offsets[i]! + heights[i]!;
  return offsets;
}

/** The row at `y` (the last row whose top is at or above it, so the first row above 0 and the last below the end); -1 for no rows. */
export function rowAt(offsets: Float64Array, y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return -1;
  let low = 0;
  let high = n - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (offsets[mid]! <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * The rows to render for a view `height` px high whose top is at `top`, or at the end of the list
 * (`'end'`, the newest in view), with `overscan` more rows either side so that a short scroll or a
 * key press shows rows already laid out. Before the view's height is known (0) it is the row at
 * `top` and the overscan.
 */
export function rowWindow(offsets: Float64Array, top: number | 'end', height: number, overscan: number): RowWindow {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0, before: 0, after: 0 };
  const total = offsets[n]!;
  const from = top === 'end' ? Math.max(0, total - height) : Math.max(0, top);
  const first = rowAt(offsets, from);
  let last = first;
  if (height > 0) {
    const bottom = from + height;
    last = rowAt(offsets, bottom);
    // A row that starts exactly at the view's bottom edge has no part in view.
    if (last > first && offsets[last]! >= bottom) last--;
  }
  const start = Math.max(0, first - overscan);
  const end = Math.min(n, last + 1 + overscan);
  return { start, end, before: offsets[start]!, after: total - offsets[end]! };
}

/**
 * Where the view's top goes: at the end while following the newest, else at the reader's place
 * (the index its row has now, after older rows dropped off the front), else at the top of the
 * list (a reader whose row has dropped off goes on from the oldest row kept).
 */
export function viewTop(offsets: Float64Array, place: RowPlace | null, pinToEnd: boolean): number | 'end' {
  if (pinToEnd) return 'end';
  if (!place || place.index < 0 || place.index >= offsets.length - 1) return 0;
  return offsets[place.index]! + place.into;
}

/**
 * A height for rows never measured: the median of those that were, so that it is exactly a
 * one-line row's when most rows are one line (a row measured as the estimate does not move the
 * rows below it), or `fallback` before any row was measured.
 */
export function typicalHeight(measured: Iterable<number>, fallback: number): number {
  const sorted = Float64Array.from(measured).sort();
  if (sorted.length === 0) return fallback;
  return sorted[sorted.length >> 1]!;
}

/**
 * Where a row starts in the list as the DOM has it now: rows before the window where the spacer
 * puts them (`offsets`), rendered rows where the browser laid them out (`laidOut[i]` is the top of
 * row `start + i`, `laidOut[end - start]` the bottom of the last), rows after the window that far
 * below the last rendered one.
 */
export function rowTop(offsets: Float64Array, window: RowWindow, laidOut: readonly number[], index: number): number {
  if (index < window.start || window.end === window.start) return offsets[index]!;
  if (index < window.end) return laidOut[index - window.start]!;
  return laidOut[window.end - window.start]! + offsets[index]! - offsets[window.end]!;
}

/** The row at `y` in the list as the DOM has it now (see `rowTop`), and how far into it; null for no rows. */
export function placeAt(offsets: Float64Array, window: RowWindow, laidOut: readonly number[], y: number): RowPlace | null {
  const n = offsets.length - 1;
  if (n <= 0) return null;
  const rendered = window.end - window.start;
  let index: number;
  if (rendered > 0 && y >= laidOut[rendered]!) {
    index = window.end < n ? rowAt(offsets, offsets[window.end]! + y - laidOut[rendered]!) : n - 1;
  } else if (rendered > 0 && y >= laidOut[0]!) {
    index = window.start;
    while (index + 1 < window.end && laidOut[index + 1 - window.start]! <= y) index++;
  } else {
    // Above the rendered rows (or none rendered): the spacer is exactly the rows it stands for.
    index = rowAt(offsets, y);
    if (rendered > 0) index = Math.min(index, Math.max(0, window.start - 1));
  }
  return { index, into: y - rowTop(offsets, window, laidOut, index) };
}
