import { beforeEach, describe, expect, it } from 'vitest';
import type { LarmorApi, PreviewImage } from '../../../protocol/api.js';
import type { ExamCatalogue, ImageFetchRequest, SeriesCatalogueEntry } from '../../../protocol/exam-images.js';
import { createAppStore, type AppStore } from '../../../renderer/src/store/store.js';
import { wireLarmor } from '../../../renderer/src/store/wire-larmor.js';
import { currentImage } from '../../../renderer/src/store/images-slice.js';
import { DEFAULT_IMAGE_BUDGET_BYTES } from '../../../renderer/src/viewer/memory-budget.js';
import { fakeApi, settle, view } from '../fixtures.js';
import { preview } from './images.js';

const NOW = '2026-01-01T10:00:00.000Z';
/** Each test image: 2 x 2 x 16 bits. */
const IMAGE_BYTES = 8;
let store: AppStore;
let fake: ReturnType<typeof fakeApi>;
let push: (image: PreviewImage) => void;

function setup(imageBudgetBytes?: number): void {
  fake = fakeApi();
  const listeners = new Set<(image: PreviewImage) => void>();
  const api: LarmorApi = { ...fake.api, images: { ...fake.api.images, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) } };
  push = (image) => listeners.forEach((l) => l(image));
  store = createAppStore({ api: () => api, now: () => NOW, ...(imageBudgetBytes !== undefined ? { imageBudgetBytes } : {}) });
  wireLarmor(api, store);
}

const image = (series: string, n: number, extra: Partial<PreviewImage> = {}) =>
  preview({ seriesUid: series, seriesNumber: Number(series), sopInstanceUid: `${series}.${n}`, instanceNumber: n, ...extra });

function entry(series: string, count: number): SeriesCatalogueEntry {
  return {
    seriesUid: series,
    seriesNumber: Number(series),
    description: `Series ${series}`,
    status: 'complete',
    imageCount: count,
    imagesExpected: count,
    sopInstanceUids: Array.from({ length: count }, (_, i) => `${series}.${i + 1}`),
    thumbnail: { rows: 1, columns: 1, pixels: 'AA==', sopInstanceUid: `${series}.1` },
  };
}
const catalogue = (...series: SeriesCatalogueEntry[]): ExamCatalogue => ({ studyUid: '2.25.1', series });
const fetched = (): string[] => fake.fetches.flatMap((r: ImageFetchRequest) => ('sopInstanceUids' in r ? r.sopInstanceUids : [r.seriesUid]));

describe('the viewer memory budget', () => {
  it('is 512 MB unless told otherwise', () => {
    setup();
    expect(store.getState().imageBudgetBytes).toBe(DEFAULT_IMAGE_BUDGET_BYTES);
    expect(DEFAULT_IMAGE_BUDGET_BYTES).toBe(512 * 1024 * 1024);
  });

  it('releases the least recently viewed pixels beyond the budget, keeping their metadata', () => {
    setup(IMAGE_BYTES * 2);
    push(image('1', 1));
    push(image('2', 1));
    store.getState().selectSeries('1'); // 1.1 arrived first but was viewed last
    push(image('3', 1));
    const state = store.getState();
    expect(state.decodedBytes).toBe(IMAGE_BYTES * 2);
    expect(state.series['2']!.images).toEqual([]);
    expect(state.series['2']!.evicted!.map((m) => m.sopInstanceUid)).toEqual(['2.1']);
    expect(state.series['1']!.images.map((i) => i.meta.sopInstanceUid)).toEqual(['1.1']);
    expect(state.series['3']!.images.map((i) => i.meta.sopInstanceUid)).toEqual(['3.1']);
  });

  it('never releases the image on screen', () => {
    setup(IMAGE_BYTES);
    push(image('1', 1));
    store.getState().selectSeries('1');
    push(image('2', 1, { fetched: true }));
    const state = store.getState();
    expect(currentImage(state, '1')?.image.meta.sopInstanceUid).toBe('1.1');
    expect(state.series['2']!.images).toHaveLength(0);
  });

  it('fetches released images again when their series is viewed, and takes them back', async () => {
    setup(IMAGE_BYTES * 2);
    push(image('1', 1));
    push(image('2', 1));
    push(image('2', 2));
    expect(store.getState().series['1']!.evicted!.map((m) => m.sopInstanceUid)).toEqual(['1.1']);
    store.getState().selectSeries('1');
    await settle();
    expect(fetched()).toEqual(['1.1']);
    push(image('1', 1, { fetched: true }));
    const state = store.getState();
    expect(state.series['1']!.images.map((i) => i.meta.sopInstanceUid)).toEqual(['1.1']);
    expect(state.series['1']!.evicted).toEqual([]);
    // Fetched images are not live arrivals.
    expect(state.imagesReceived).toBe(3);
  });
});

describe('the exam catalogue in the viewer', () => {
  beforeEach(() => setup());

  it("shows the gateway's series before their images are here, and fetches the latest one", async () => {
    fake.pushView(view({ exam: catalogue(entry('1', 3), entry('2', 2)) }));
    await settle();
    const state = store.getState();
    expect(state.seriesOrder).toEqual(['1', '2']);
    expect(state.series['1']!.thumbnail).not.toBeNull();
    expect(state.selectedSeriesUid).toBe('2');
    expect(fetched()).toEqual(['2.1', '2.2']);
  });

  it('fetches a series when it is opened, only what is not here, and only once', async () => {
    fake.pushView(view({ exam: catalogue(entry('1', 3), entry('2', 1)) }));
    push(image('1', 2, { fetched: true }));
    store.getState().selectSeries('1');
    store.getState().selectSeries('1');
    await settle();
    expect(fetched()).toEqual(['2.1', '1.1', '1.3']);
  });

  it('fetched images do not take the view from the series being followed', () => {
    fake.pushView(view({ exam: catalogue(entry('1', 1)) }));
    push(image('5', 1));
    push(image('1', 1, { fetched: true }));
    expect(store.getState().selectedSeriesUid).toBe('5');
    expect(store.getState().newestSeriesUid).toBe('5');
  });

  it('forgets a series the gateway dropped when none of its images are here', () => {
    fake.pushView(view({ exam: catalogue(entry('1', 1), entry('2', 1)) }));
    fake.pushView(view({ exam: catalogue(entry('2', 1)) }));
    expect(store.getState().seriesOrder).toEqual(['2']);
  });
});
