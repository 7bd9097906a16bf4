import { describe, expect, it } from 'vitest';
import { formatWindowValue, overlayText } from '../../../renderer/src/viewer/overlay.js';
import { viewerImage } from './images.js';

describe('overlayText', () => {
  const meta = viewerImage({ seriesNumber: 2, seriesDescription: 'T2 TSE axial', instanceNumber: 7, sliceLocationMm: -12.5, sliceThicknessMm: 5 }).meta;
  const text = overlayText({
    meta,
    position: 7,
    total: 20,
    received: 8,
    window: { center: 650, width: 1400 },
    windowIsImages: true,
    inverted: false,
    zoom: 1.5,
  });
  it('puts patient and exam top left', () => {
    expect(text.topLeft).toEqual(['DOE, JANE', 'ID P1', 'Brain']);
  });
  it('puts series and instance n of N top right, saying how many have arrived', () => {
    expect(text.topRight[0]).toBe('Se 2  T2 TSE axial');
    expect(text.topRight[1]).toBe('Im 7/20  (8 received)');
  });
  it('puts W/L and zoom bottom left, slice location and thickness bottom right', () => {
    expect(text.bottomLeft).toEqual(['W 1400  L 650', 'Zoom 150 %']);
    expect(text.bottomRight.slice(0, 2)).toEqual(['Loc -12.5 mm', 'Thk 5.0 mm']);
  });
  it('marks a window the user changed and an inverted display', () => {
    const adjusted = overlayText({
      meta,
      position: 1,
      total: 1,
      received: 1,
      window: { center: 40.25, width: 400 },
      windowIsImages: false,
      inverted: true,
      zoom: 1,
    });
    expect(adjusted.bottomLeft).toEqual(['W 400  L 40.3  (adjusted)', 'Zoom 100 %  Inverted']);
    expect(adjusted.topRight[1]).toBe('Im 1/1');
  });
  it('says "De-identified" top left, and no name or ID, when the gateway removed them for this viewer', () => {
    const observer = overlayText({
      meta,
      position: 1,
      total: 1,
      received: 1,
      window: { center: 650, width: 1400 },
      windowIsImages: true,
      inverted: false,
      zoom: 1,
      deidentified: true,
    });
    expect(observer.topLeft).toEqual(['De-identified', 'Brain']);
  });
  it('says the marks’ count bottom left for a viewer without the mark tools, and nothing of them for one with', () => {
    const base = { meta, position: 1, total: 1, received: 1, window: { center: 650, width: 1400 }, windowIsImages: true, inverted: false, zoom: 1 };
    expect(overlayText({ ...base, marks: 0 }).bottomLeft).toEqual(['W 1400  L 650', 'Zoom 100 %', 'No marks']);
    expect(overlayText({ ...base, marks: 1 }).bottomLeft[2]).toBe('1 mark');
    expect(overlayText({ ...base, marks: 3 }).bottomLeft[2]).toBe('3 marks');
    expect(overlayText(base).bottomLeft).toEqual(['W 1400  L 650', 'Zoom 100 %']);
  });
  it('rounds large window values', () => {
    expect(formatWindowValue(1234.56)).toBe('1235');
    expect(formatWindowValue(-3.25)).toBe('-3.3');
  });
});
