import { describe, expect, it } from 'vitest';
import type { ExamCatalogue, Mark, SeriesCatalogueEntry } from '../../protocol/index.js';
import { imagesToShowOnJoin, placed } from '../../onsite/src/join-images.js';

const series = (seriesUid: string, uids: string[], status: SeriesCatalogueEntry['status'] = 'complete'): SeriesCatalogueEntry => ({
  seriesUid,
  seriesNumber: null,
  description: seriesUid,
  status,
  imageCount: uids.length,
  imagesExpected: null,
  sopInstanceUids: uids,
  thumbnail: null,
});
const catalogue = (...entries: SeriesCatalogueEntry[]): ExamCatalogue => ({ studyUid: '2.25.1', series: entries });
const mark = (sopInstanceUid: string, at: string): Mark => ({
  id: `m-${sopInstanceUid}-${at}`,
  at,
  sopInstanceUid,
  shape: 'arrow',
  points: [
    [0, 0],
    [1, 1],
  ],
  by: { name: 'Rita', role: 'operator' },
});

describe('the images an onsite console asks for when it joins an exam under way', () => {
  it('is the newest image: of the series being received, else of the last series with images', () => {
    expect(imagesToShowOnJoin(catalogue(series('a', ['a1', 'a2']), series('b', ['b1']), series('c', [])), [])).toEqual(['b1']);
    expect(imagesToShowOnJoin(catalogue(series('a', ['a1', 'a2'], 'receiving'), series('b', ['b1'])), [])).toEqual(['a2']);
  });

  it('is nothing when the gateway holds no image', () => {
    expect(imagesToShowOnJoin(catalogue(), [mark('x', '2026-01-01T10:00:00Z')])).toEqual([]);
    expect(imagesToShowOnJoin(catalogue(series('a', [])), [])).toEqual([]);
  });

  it('adds, before the newest, the image the last mark is on when the gateway holds it; a frame of a multi-frame object by its object', () => {
    const held = catalogue(series('a', ['a1', 'a2', 'a3']));
    expect(imagesToShowOnJoin(held, [mark('a1', '2026-01-01T10:00:00Z'), mark('a2', '2026-01-01T10:05:00Z')])).toEqual(['a2', 'a3']);
    expect(imagesToShowOnJoin(held, [mark('a1#4', '2026-01-01T10:00:00Z')])).toEqual(['a1', 'a3']);
    expect(imagesToShowOnJoin(held, [mark('gone', '2026-01-01T10:00:00Z')])).toEqual(['a3']);
    expect(imagesToShowOnJoin(held, [mark('a3', '2026-01-01T10:00:00Z')])).toEqual(['a3']);
  });
});

describe("the onsite viewer's order of images", () => {
  const img = (sopInstanceUid: string) => ({ sopInstanceUid });
  const uids = (list: { sopInstanceUid: string }[]) => list.map((i) => i.sopInstanceUid);

  it('puts a live image last, and an image asked for on joining before every live one', () => {
    const fetched = new Set<string>();
    let list = placed([], img('live1'), null);
    list = placed(list, img('old-marked'), fetched);
    list = placed(list, img('old-newest'), fetched);
    expect(uids(list)).toEqual(['old-marked', 'old-newest', 'live1']);
    expect(uids(placed(list, img('live2'), null))).toEqual(['old-marked', 'old-newest', 'live1', 'live2']);
  });

  it('keeps the fetched images in the order they came when no live image came first', () => {
    const fetched = new Set<string>();
    expect(uids(placed(placed([], img('marked'), fetched), img('newest'), fetched))).toEqual(['marked', 'newest']);
  });
});
