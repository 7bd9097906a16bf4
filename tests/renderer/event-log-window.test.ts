import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../protocol/api.js';
import { ErrorCode } from '../../protocol/index.js';
import { EventLogView } from '../../renderer/src/components/EventLog.js';
import { placeAt, rowAt, rowOffsets, rowTop, rowWindow, typicalHeight, viewTop, type RowWindow } from '../../renderer/src/logic/row-window.js';
import type { ShownLogEntry } from '../../renderer/src/store/log-slice.js';

/** `n` rows of `px` each. */
const even = (n: number, px: number) => rowOffsets(new Array<number>(n).fill(px));

describe('rowOffsets and rowAt', () => {
  it('starts each row where the ones above it end, and ends with the height of them all', () => {
    expect([...rowOffsets([20, 40, 20])]).toEqual([0, 20, 60, 80]);
    expect([...rowOffsets([])]).toEqual([0]);
  });

  it('finds the row that covers a point, its top edge included, and the first or last row beyond the list', () => {
    const offsets = rowOffsets([20, 40, 20]);
    expect([0, 19.9, 20, 59.9, 60, 79].map((y) => rowAt(offsets, y))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(rowAt(offsets, -5)).toBe(0);
    expect(rowAt(offsets, 500)).toBe(2);
    expect(rowAt(rowOffsets([]), 0)).toBe(-1);
  });
});

describe('rowWindow', () => {
  it('renders the rows in view and the overscan either side, with spacers for the rest', () => {
    // 100 rows of 20 px, a 100 px view from 400 px: rows 20-24 in view.
    const w = rowWindow(even(100, 20), 400, 100, 3);
    expect(w).toEqual({ start: 17, end: 28, before: 340, after: 1440 });
    expect(w.before + (w.end - w.start) * 20 + w.after).toBe(2000);
  });

  it('does not count a row that starts exactly at the bottom edge of the view as in view', () => {
    expect(rowWindow(even(100, 20), 0, 100, 0)).toMatchObject({ start: 0, end: 5 });
    expect(rowWindow(even(100, 20), 0, 101, 0)).toMatchObject({ start: 0, end: 6 });
  });

  it('at the end, renders the newest rows that fill the view and the overscan above them, with nothing below', () => {
    expect(rowWindow(even(100, 20), 'end', 100, 3)).toEqual({ start: 92, end: 100, before: 1840, after: 0 });
  });

  it('clamps the overscan at both ends of the list, and renders a short list whole', () => {
    expect(rowWindow(even(100, 20), 0, 100, 10)).toMatchObject({ start: 0, end: 15, before: 0 });
    expect(rowWindow(even(4, 20), 'end', 300, 10)).toEqual({ start: 0, end: 4, before: 0, after: 0 });
    expect(rowWindow(rowOffsets([]), 'end', 300, 10)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });

  it('before the view is measured (0 px high), renders the row at the top and the overscan', () => {
    expect(rowWindow(even(100, 20), 'end', 0, 10)).toMatchObject({ start: 89, end: 100 });
  });

  it('keeps the rows in the DOM to the view and the overscan however many rows there are', () => {
    for (const n of [1_000, 10_000, 100_000]) {
      const offsets = even(n, 20);
      for (const top of [0, n * 10, 'end'] as const) {
        const w = rowWindow(offsets, top, 200, 10);
        // 10 rows in view, at most one more cut at each edge, 10 overscan either side.
        expect(w.end - w.start).toBeLessThanOrEqual(31);
      }
    }
  });

  it('finds the rows in view when their heights differ (wrapped or opened rows)', () => {
    const offsets = rowOffsets([20, 20, 60, 20, 100, 20, 20]);
    // From 70 px to 170 px: row 2 (40-100), row 3 (100-120), row 4 (120-220).
    expect(rowWindow(offsets, 70, 100, 0)).toEqual({ start: 2, end: 5, before: 40, after: 40 });
  });
});

describe('viewTop', () => {
  const offsets = even(900, 20);

  it('keeps the reader on the same row when older rows drop off the front of the list', () => {
    // The reader was 5 px into row 150 of 1,000; the 100 oldest dropped off, so it is row 50 now.
    const top = viewTop(offsets, { index: 50, into: 5 }, false);
    expect(top).toBe(1005);
    const w = rowWindow(offsets, top, 100, 10);
    expect(w.start).toBeLessThanOrEqual(50);
    expect(w.end).toBeGreaterThan(50);
  });

  it('goes on from the oldest row kept when the reader’s row has dropped off, and is the end while following', () => {
    expect(viewTop(offsets, null, false)).toBe(0);
    expect(viewTop(offsets, { index: 50, into: 5 }, true)).toBe('end');
  });
});

describe('typicalHeight', () => {
  it('is a one-line row when most rows are one line, so one-line rows measured do not move the rows below', () => {
    expect(typicalHeight([19.8, 19.8, 36.6, 19.8, 80], 20)).toBe(19.8);
  });

  it('is the fallback before any row was measured', () => {
    expect(typicalHeight([], 20)).toBe(20);
  });
});

describe('placeAt and rowTop: the reader’s place in the list as the DOM lays it out', () => {
  // 10 model rows of 20 px; rows 3-5 rendered, row 4 laid out 50 px high (it wraps).
  const offsets = even(10, 20);
  const w: RowWindow = { start: 3, end: 6, before: 60, after: 80 };
  const laidOut = [60, 80, 130, 150];

  it('finds a rendered row by where the browser laid it out', () => {
    expect(placeAt(offsets, w, laidOut, 100)).toEqual({ index: 4, into: 20 });
    expect(placeAt(offsets, w, laidOut, 130)).toEqual({ index: 5, into: 0 });
  });

  it('finds a row in the spacer above by the heights the spacer stands for', () => {
    expect(placeAt(offsets, w, laidOut, 45)).toEqual({ index: 2, into: 5 });
  });

  it('finds a row in the spacer below by its distance from the last rendered row', () => {
    // 150 is where row 6 starts in the DOM (the model has it at 120).
    expect(placeAt(offsets, w, laidOut, 175)).toEqual({ index: 7, into: 5 });
  });

  it('puts a place back on the same row and the same pixel, above, in and below the window', () => {
    for (const y of [0, 45, 60, 99, 130, 151, 229]) {
      const at = placeAt(offsets, w, laidOut, y)!;
      expect(rowTop(offsets, w, laidOut, at.index) + at.into).toBeCloseTo(y);
    }
  });

  it('has no place in an empty list', () => {
    expect(placeAt(rowOffsets([]), { start: 0, end: 0, before: 0, after: 0 }, [], 0)).toBeNull();
  });
});

const AT = '2026-12-01T10:00:00.000Z';
function entries(n: number): ShownLogEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const level: LogEntry['level'] = i % 97 === 0 ? 'alarm' : i % 7 === 0 ? 'warning' : 'info';
    return { at: AT, kind: 'notice', level, text: `gateway notice ${i} ${ErrorCode.RATE_LIMITED}`, words: `Notice number ${i}` };
  });
}
const rowsIn = (html: string) => [...html.matchAll(/<details[^>]*class="log-row[^"]*"/g)].length;
const wordsIn = (html: string) => [...html.matchAll(/data-testid="log-words">([^<]*)</g)].map((m) => m[1]);

describe('EventLogView', () => {
  it('with 10,000 entries puts a bounded number of rows in the DOM, the newest, in order', () => {
    const html = renderToStaticMarkup(createElement(EventLogView, { log: entries(10_000) }));
    expect(rowsIn(html)).toBeGreaterThan(0);
    expect(rowsIn(html)).toBeLessThanOrEqual(50);
    const words = wordsIn(html);
    expect(words.at(-1)).toBe('Notice number 9999');
    expect(words).toEqual(words.map((_, i) => `Notice number ${10_000 - words.length + i}`));
    expect(html).toContain('10000 events');
  });

  it('renders a short log whole, each row as before: time, level word and icon, words, code, and the technical line', () => {
    const html = renderToStaticMarkup(createElement(EventLogView, { log: entries(3) }));
    expect(rowsIn(html)).toBe(3);
    expect(wordsIn(html)).toEqual(['Notice number 0', 'Notice number 1', 'Notice number 2']);
    expect(html).toContain('class="log-row level-alarm" data-kind="notice"');
    expect(html).toMatch(/class="log-level tone-bad" role="img" aria-label="Alarm">✕</);
    expect(html).toContain(`<span class="mono log-code">${ErrorCode.RATE_LIMITED}</span>`);
    expect(html).toContain(`<span class="muted">notice</span> <span class="mono">gateway notice 0 ${ErrorCode.RATE_LIMITED}</span>`);
  });

  it('is still a log to assistive technology, and tells it the newest entries in words', () => {
    const html = renderToStaticMarkup(createElement(EventLogView, { log: entries(10_000) }));
    expect(html).toMatch(/<div class="log-scroll"[^>]*tabindex="0"[^>]*role="log"[^>]*aria-label="Event log"/);
    const spoken = /<div class="sr-only" aria-live="polite" aria-relevant="additions">(.*?)<\/div>/.exec(html)?.[1] ?? '';
    expect([...spoken.matchAll(/<p>([^<]*)<\/p>/g)].map((m) => m[1]!.replace(/^\d\d:\d\d:\d\d /, ''))).toEqual([
      `Information: Notice number 9995 ${ErrorCode.RATE_LIMITED}`,
      `Warning: Notice number 9996 ${ErrorCode.RATE_LIMITED}`,
      `Information: Notice number 9997 ${ErrorCode.RATE_LIMITED}`,
      `Information: Notice number 9998 ${ErrorCode.RATE_LIMITED}`,
      `Information: Notice number 9999 ${ErrorCode.RATE_LIMITED}`,
    ]);
  });

  it('says so when there are no events yet', () => {
    const html = renderToStaticMarkup(createElement(EventLogView, { log: [] }));
    expect(html).toContain('No events yet.');
    expect(rowsIn(html)).toBe(0);
  });
});
