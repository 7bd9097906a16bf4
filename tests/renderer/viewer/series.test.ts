import { describe, expect, it } from 'vitest';
import {
  addImage,
  afterArrival,
  afterUserPick,
  newestSeries,
  orderSeries,
  seriesTotal,
  thumbnailImage,
  type SeriesRecord,
} from '../../../renderer/src/viewer/series.js';
import { viewerImage } from './images.js';

function build(instances: (number | null)[], seriesUid = '1.2.3.1'): SeriesRecord {
  let series: SeriesRecord | undefined;
  instances.forEach((instanceNumber, i) => {
    series = addImage(series, viewerImage({ seriesUid, instanceNumber, sopInstanceUid: `${seriesUid}.${i}` }, i + 1)) ?? series;
  });
  if (!series) throw new Error('no images');
  return series;
}

describe('addImage', () => {
  it('keeps images in Instance Number order whatever the arrival order', () => {
    expect(build([3, 1, 2, 5, 4]).images.map((i) => i.meta.instanceNumber)).toEqual([1, 2, 3, 4, 5]);
  });
  it('puts images without an Instance Number last, and equal numbers in arrival order', () => {
    const series = build([null, 2, 1, 2]);
    expect(series.images.map((i) => [i.meta.instanceNumber, i.arrival])).toEqual([
      [1, 3],
      [2, 2],
      [2, 4],
      [null, 1],
    ]);
  });
  it('shows a resent SOP instance once', () => {
    const first = viewerImage({ sopInstanceUid: '9.9' }, 1);
    const series = addImage(undefined, first);
    expect(addImage(series!, viewerImage({ sopInstanceUid: '9.9' }, 2))).toBeNull();
  });
  it('takes the expected image count from the sender', () => {
    const series = addImage(undefined, viewerImage({ imagesInSeries: 20 }, 1))!;
    expect(series.expected).toBe(20);
    expect(seriesTotal(series)).toBe(20);
    expect(seriesTotal({ ...series, expected: null })).toBe(1);
  });
});

describe('series order and the newest series', () => {
  const s = (uid: string, number: number | null, firstArrival: number): SeriesRecord => ({
    uid,
    number,
    description: '',
    expected: null,
    firstArrival,
    images: [],
  });
  it('orders the strip by Series Number, series without one last, ties by first arrival', () => {
    expect(orderSeries([s('c', 3, 1), s('x', null, 2), s('a', 1, 5), s('b', 3, 0)])).toEqual(['a', 'b', 'c', 'x']);
  });
  it('calls newest the series whose first image arrived last', () => {
    expect(newestSeries([s('a', 1, 1), s('b', 2, 9), s('c', 3, 4)])).toBe('b');
    expect(newestSeries([])).toBeNull();
  });
});

describe('follow-latest rule', () => {
  it('moves to each new series while following', () => {
    expect(afterArrival({ selectedUid: 'a', followLatest: true }, 'b')).toEqual({ selectedUid: 'b', followLatest: true });
  });
  it('stays on the series the user picked when a newer one arrives', () => {
    expect(afterArrival({ selectedUid: 'a', followLatest: false }, 'b')).toEqual({ selectedUid: 'a', followLatest: false });
  });
  it('stops following when the user picks an older series and resumes when they pick the newest', () => {
    expect(afterUserPick('a', 'b')).toEqual({ selectedUid: 'a', followLatest: false });
    expect(afterUserPick('b', 'b')).toEqual({ selectedUid: 'b', followLatest: true });
  });
});

describe('thumbnailImage', () => {
  it('is the first image while one has arrived, then the middle one', () => {
    expect(thumbnailImage(build([1]))?.meta.instanceNumber).toBe(1);
    expect(thumbnailImage(build([1, 2, 3, 4, 5]))?.meta.instanceNumber).toBe(3);
    expect(thumbnailImage(build([1, 2, 3, 4]))?.meta.instanceNumber).toBe(2);
  });
});
