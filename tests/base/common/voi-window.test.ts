import { describe, expect, it } from 'vitest';
import { linearVoi, ownWindow, rescaledMinMax, storedRange, windowForRange } from '../../../base/common/voi-window.js';

const BRAIN = { center: 40, width: 400 };

describe('linearVoi (PS3.3 C.11.2.1.2.1)', () => {
  it('maps the bottom of a W=400 L=40 window to black and values above its top to white', () => {
    expect(linearVoi(-160, BRAIN)).toBe(0);
    expect(linearVoi(-1000, BRAIN)).toBe(0);
    expect(linearVoi(240, BRAIN)).toBe(255);
    expect(linearVoi(3000, BRAIN)).toBe(255);
  });
  it('is linear inside the window, with the centre at mid grey', () => {
    expect(linearVoi(40, BRAIN)).toBe(128); // ((40 - 39.5) / 399 + 0.5) * 255 = 127.8
    expect(linearVoi(-60, BRAIN)).toBe(64); // ((-99.5) / 399 + 0.5) * 255 = 63.9
    expect(linearVoi(140, BRAIN)).toBe(192);
  });
  it('treats a width of 1 (or less) as a threshold at centre - 0.5', () => {
    expect(linearVoi(99, { center: 100, width: 1 })).toBe(0);
    expect(linearVoi(100, { center: 100, width: 1 })).toBe(255);
    expect(linearVoi(100, { center: 100, width: 0 })).toBe(255);
  });
});

describe('windowForRange', () => {
  it('maps the smallest value to black and the largest to white', () => {
    const window = windowForRange(0, 300);
    expect(linearVoi(0, window)).toBe(0);
    expect(linearVoi(300, window)).toBe(255);
    expect(linearVoi(1, window)).toBeGreaterThan(0);
    expect(linearVoi(299, window)).toBeLessThan(255);
  });
});

describe('ownWindow', () => {
  const range = () => ({ min: -1000, max: -700 });

  it('is the window the image carries, without a pass over its pixels', () => {
    expect(
      ownWindow(600, 1200, () => {
        throw new Error('not asked');
      }),
    ).toEqual({ center: 600, width: 1200 });
  });

  it('is the whole rescaled range when the image carries none, or a width the standard does not allow', () => {
    expect(ownWindow(null, null, range)).toEqual({ center: -849.5, width: 301 });
    expect(ownWindow(10, null, range)).toEqual(windowForRange(-1000, -700));
    expect(ownWindow(10, 0, range)).toEqual(windowForRange(-1000, -700));
    expect(ownWindow(10, 0.5, range)).toEqual(windowForRange(-1000, -700));
    expect(ownWindow(Number.NaN, 400, range)).toEqual(windowForRange(-1000, -700));
  });
});

describe('storedRange', () => {
  it('is the smallest and largest stored value present, signed or not', () => {
    expect(storedRange(new Uint16Array([300, 7, 4095]))).toEqual({ minStored: 7, maxStored: 4095 });
    expect(storedRange(new Int16Array([-1024, 3071, 0]))).toEqual({ minStored: -1024, maxStored: 3071 });
  });
  it('is 0 to 0 for no pixels', () => {
    expect(storedRange(new Uint8Array(0))).toEqual({ minStored: 0, maxStored: 0 });
  });
});

describe('rescaledMinMax', () => {
  it('rescales before comparing, so a negative slope turns the range round', () => {
    expect(rescaledMinMax(new Uint16Array([0, 300, 100]), 1, -1000)).toEqual({ min: -1000, max: -700 });
    expect(rescaledMinMax(new Int16Array([-5, 10]), -2, 0)).toEqual({ min: -20, max: 10 });
  });
  it('is 0 to 0 for no pixels', () => {
    expect(rescaledMinMax(new Uint8Array(0), 1, 0)).toEqual({ min: 0, max: 0 });
  });
});
