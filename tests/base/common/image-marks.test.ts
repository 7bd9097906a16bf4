import { describe, expect, it } from 'vitest';
import { extendMark, isDrawnEnough, markDrawing, toImagePoint, toScreenPoint } from '../../../base/common/image-marks.js';

describe('image marks', () => {
  it('maps a pointer to the same image pixel whatever the zoom and pan', () => {
    // A 256 x 256 image drawn at 512 px from (100, 50), then zoomed twice and panned.
    const fit = { left: 100, top: 50, width: 512, height: 512 };
    const zoomed = { left: -300, top: -200, width: 1024, height: 1024 };
    const onFit = toImagePoint(100 + 2 * 64, 50 + 2 * 32, fit, 256, 256);
    expect(onFit).toEqual([64, 32]);
    const there = toScreenPoint(onFit, zoomed, 256, 256);
    expect(toImagePoint(there.x, there.y, zoomed, 256, 256)).toEqual([64, 32]);
  });

  it('keeps an arrow or circle to its first and newest points, and thins a freehand path', () => {
    expect(
      extendMark(
        'arrow',
        [
          [0, 0],
          [5, 5],
        ],
        [9, 9],
        512,
      ),
    ).toEqual([
      [0, 0],
      [9, 9],
    ]);
    expect(extendMark('freehand', [[0, 0]], [0.2, 0.2], 512)).toEqual([[0, 0]]);
    expect(extendMark('freehand', [[0, 0]], [3, 0], 512)).toEqual([
      [0, 0],
      [3, 0],
    ]);
    expect(
      extendMark(
        'freehand',
        [
          [0, 0],
          [3, 0],
        ],
        [9, 0],
        2,
      ),
    ).toEqual([
      [0, 0],
      [3, 0],
    ]);
  });

  it('does not take a click for a mark', () => {
    expect(isDrawnEnough([[10, 10]], 3)).toBe(false);
    expect(
      isDrawnEnough(
        [
          [10, 10],
          [11, 10],
        ],
        3,
      ),
    ).toBe(false);
    expect(
      isDrawnEnough(
        [
          [10, 10],
          [14, 10],
        ],
        3,
      ),
    ).toBe(true);
  });

  it('draws a circle through its second point and an arrow head at the head end', () => {
    expect(
      markDrawing(
        'circle',
        [
          [10, 10],
          [13, 14],
        ],
        5,
      ),
    ).toEqual({ kind: 'circle', cx: 10, cy: 10, r: 5 });
    const arrow = markDrawing(
      'arrow',
      [
        [0, 0],
        [10, 0],
      ],
      4,
    );
    expect(arrow.kind).toBe('arrow');
    if (arrow.kind === 'arrow') {
      expect(arrow.line).toBe('M0,0 L10,0');
      // Both wings lie behind the tip along the shaft.
      const wings = arrow.head
        .split(' ')
        .slice(1)
        .map((p) => p.split(',').map(Number));
      for (const [x] of wings) expect(x).toBeLessThan(10);
    }
  });
});
