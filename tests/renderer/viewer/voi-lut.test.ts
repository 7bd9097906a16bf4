import { describe, expect, it } from 'vitest';
import { buildVoiLut } from '../../../base/common/voi-window.js';
import { isInverted } from '../../../renderer/src/viewer/voi-lut.js';

const BRAIN = { center: 40, width: 400 };

describe('buildVoiLut', () => {
  it('applies the rescale first: slope 1 intercept -1024 puts HU -160 at 0 and HU 240 at 255', () => {
    const lut = buildVoiLut({ minStored: 0, maxStored: 4095, rescaleSlope: 1, rescaleIntercept: -1024, window: BRAIN, inverted: false });
    expect(lut).toHaveLength(4096);
    expect(lut[1024 - 160]).toBe(0);
    expect(lut[1024 - 161]).toBe(0);
    expect(lut[1024 - 159]).toBeGreaterThan(0);
    expect(lut[1024 + 40]).toBe(128);
    expect(lut[1024 + 238]).toBe(254); // the top of the ramp is reached at c - 0.5 + (w - 1) / 2 = 239
    expect(lut[1024 + 240]).toBe(255);
    expect(lut[4095]).toBe(255);
  });
  it('indexes entries from the smallest stored value, including negative (signed) values', () => {
    const lut = buildVoiLut({ minStored: -2000, maxStored: 2000, rescaleSlope: 1, rescaleIntercept: 0, window: BRAIN, inverted: false });
    expect(lut[-160 + 2000]).toBe(0);
    expect(lut[40 + 2000]).toBe(128);
    expect(lut[240 + 2000]).toBe(255);
  });
  it('honours a slope other than 1', () => {
    const lut = buildVoiLut({ minStored: 0, maxStored: 1000, rescaleSlope: 0.5, rescaleIntercept: -100, window: BRAIN, inverted: false });
    // stored 80 -> HU -60 (a quarter up the window), stored 280 -> HU 40 (centre)
    expect(lut[280]).toBe(128);
    expect(lut[80]).toBe(64);
  });
  it('inverts the whole ramp for MONOCHROME1', () => {
    const spec = { minStored: 0, maxStored: 4095, rescaleSlope: 1, rescaleIntercept: -1024, window: BRAIN };
    const normal = buildVoiLut({ ...spec, inverted: false });
    const inverted = buildVoiLut({ ...spec, inverted: true });
    expect(inverted[1024 - 160]).toBe(255);
    expect(inverted[1024 + 240]).toBe(0);
    for (const i of [0, 900, 1064, 1200, 4095]) expect(inverted[i]).toBe(255 - normal[i]);
  });
  it('refuses a range that does not fit 16 bits', () => {
    expect(() => buildVoiLut({ minStored: 0, maxStored: 70000, rescaleSlope: 1, rescaleIntercept: 0, window: BRAIN, inverted: false })).toThrow(RangeError);
  });
});

describe('isInverted', () => {
  it('shows MONOCHROME1 inverted, and the user invert flips either', () => {
    expect(isInverted('MONOCHROME2', false)).toBe(false);
    expect(isInverted('MONOCHROME1', false)).toBe(true);
    expect(isInverted('MONOCHROME2', true)).toBe(true);
    expect(isInverted('MONOCHROME1', true)).toBe(false);
  });
});
