import { describe, expect, it } from 'vitest';
import { windowForRange } from '../../../base/common/voi-window.js';
import {
  autoWindow,
  dragWindow,
  effectiveWindow,
  fullRangeWindow,
  imageWindow,
  storedPercentile,
  WINDOW_PRESETS,
} from '../../../renderer/src/viewer/window-level.js';
import { samples, viewerImage } from './images.js';

describe('imageWindow', () => {
  it('uses the Window Center and Width the image carries', () => {
    expect(imageWindow(viewerImage({ windowCenter: 600, windowWidth: 1200 }))).toEqual({ center: 600, width: 1200 });
  });
  it('falls back to the full rescaled range when the image has no usable window', () => {
    const image = viewerImage({ windowCenter: null, windowWidth: null, rescaleIntercept: -1000 });
    // stored 0..300 -> -1000..-700
    expect(imageWindow(image)).toEqual({ center: -849.5, width: 301 });
    expect(imageWindow(viewerImage({ windowCenter: 10, windowWidth: 0 }))).toEqual(fullRangeWindow(viewerImage()));
  });
});

describe('effectiveWindow (reset)', () => {
  it("shows the user's window while set and the image's own once reset to null", () => {
    const image = viewerImage({ windowCenter: 600, windowWidth: 1200 });
    expect(effectiveWindow(image, { center: 1, width: 2 })).toEqual({ center: 1, width: 2 });
    expect(effectiveWindow(image, null)).toEqual({ center: 600, width: 1200 });
  });
});

describe('auto window', () => {
  // 100 pixels: 0..98 and one very bright outlier.
  const values = [...Array.from({ length: 99 }, (_, i) => i), 4000];
  const image = viewerImage({ rows: 10, columns: 10, pixels: samples(values, 16, false) });
  it('finds stored-value percentiles by nearest rank', () => {
    expect(storedPercentile(image.pixels, 0.01)).toBe(0);
    expect(storedPercentile(image.pixels, 0.5)).toBe(49);
    expect(storedPercentile(image.pixels, 0.99)).toBe(98);
    expect(storedPercentile(image.pixels, 1)).toBe(4000);
  });
  it('spans the 1st to 99th percentile, so one bright outlier does not flatten the image', () => {
    expect(autoWindow(image)).toEqual(windowForRange(0, 98));
  });
});

describe('presets', () => {
  const image = viewerImage({ windowCenter: 600, windowWidth: 1200 });
  it('are on keys 1 to 5', () => {
    expect(WINDOW_PRESETS.map((p) => p.key)).toEqual(['1', '2', '3', '4', '5']);
  });
  it('1 returns to the image window; 3 is the full range; 4 and 5 halve and double the width', () => {
    const byKey = Object.fromEntries(WINDOW_PRESETS.map((p) => [p.key, p.window(image)]));
    expect(byKey['1']).toBeNull();
    expect(byKey['3']).toEqual(windowForRange(0, 300));
    expect(byKey['4']).toEqual({ center: 600, width: 600 });
    expect(byKey['5']).toEqual({ center: 600, width: 2400 });
  });
});

describe('dragWindow', () => {
  it('widens to the right and raises the level downwards, one unit per pixel for a small range', () => {
    expect(dragWindow({ center: 100, width: 200 }, 30, -10, 500)).toEqual({ center: 90, width: 230 });
  });
  it('scales the step with the image range and never goes below width 1', () => {
    expect(dragWindow({ center: 0, width: 100 }, 10, 10, 4096)).toEqual({ center: 40, width: 140 });
    expect(dragWindow({ center: 0, width: 100 }, -500, 0, 500).width).toBe(1);
  });
});
