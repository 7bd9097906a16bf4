import { beforeEach, describe, expect, it } from 'vitest';
import type { LarmorApi, LogEntry, PreviewImage } from '../../../protocol/api.js';
import { createAppStore, type AppStore } from '../../../renderer/src/store/store.js';
import { wireLarmor } from '../../../renderer/src/store/wire-larmor.js';
import { currentImage } from '../../../renderer/src/store/images-slice.js';
import { MAX_STRIP_SERIES } from '../../../renderer/src/viewer/series.js';
import { fakeApi } from '../fixtures.js';
import { preview, samples } from './images.js';

const NOW = '2026-01-01T10:00:00.000Z';
let store: AppStore;
let fake: ReturnType<typeof fakeApi>;
let imageListeners: Set<(image: PreviewImage) => void>;

beforeEach(() => {
  fake = fakeApi();
  imageListeners = new Set();
  const api: LarmorApi = {
    ...fake.api,
    images: {
      ...fake.api.images,
      subscribe: (listener) => {
        imageListeners.add(listener);
        return () => imageListeners.delete(listener);
      },
    },
  };
  store = createAppStore({ api: () => api, now: () => NOW });
  wireLarmor(api, store);
});

const push = (image: PreviewImage) => imageListeners.forEach((l) => l(image));
const image = (series: string, instanceNumber: number, extra: Partial<PreviewImage> = {}) =>
  preview({ seriesUid: series, seriesNumber: Number(series), sopInstanceUid: `${series}.${instanceNumber}`, instanceNumber, ...extra });
const shown = () => currentImage(store.getState(), store.getState().selectedSeriesUid);

describe('images from window.larmor', () => {
  it('are grouped by series, sorted by instance number and kept once per SOP instance', () => {
    push(image('1', 2));
    push(image('1', 1));
    push(image('1', 2));
    const series = store.getState().series['1'];
    expect(series.images.map((i) => i.meta.sopInstanceUid)).toEqual(['1.1', '1.2']);
    expect(store.getState().imagesReceived).toBe(2);
  });
  it('keep the received buffer: the stored view is over the very ArrayBuffer pushed', () => {
    const sent = image('1', 1);
    push(sent);
    expect(store.getState().series['1'].images[0].pixels.buffer).toBe(sent.pixels);
  });
  it('stop arriving once unwired', () => {
    const unwireFake = fakeApi();
    const listeners = new Set<(image: PreviewImage) => void>();
    const api: LarmorApi = { ...unwireFake.api, images: { ...unwireFake.api.images, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) } };
    const other = createAppStore({ api: () => api, now: () => NOW });
    wireLarmor(api, other)();
    expect(listeners.size).toBe(0);
  });
});

describe('follow latest', () => {
  it('shows the first series, then each newer series as it starts', () => {
    push(image('1', 1));
    expect(store.getState().selectedSeriesUid).toBe('1');
    push(image('2', 1));
    expect(store.getState().selectedSeriesUid).toBe('2');
    expect(store.getState().seriesOrder).toEqual(['1', '2']);
  });
  it('stays on a series the user picked, and resumes when the user picks the newest', () => {
    push(image('1', 1));
    push(image('2', 1));
    store.getState().selectSeries('1');
    expect(store.getState().followLatest).toBe(false);
    push(image('3', 1));
    expect(store.getState().selectedSeriesUid).toBe('1');
    store.getState().selectSeries('3');
    expect(store.getState().followLatest).toBe(true);
    push(image('4', 1));
    expect(store.getState().selectedSeriesUid).toBe('4');
  });
  it('can be switched back on from the strip', () => {
    push(image('1', 1));
    push(image('2', 1));
    store.getState().selectSeries('1');
    store.getState().followNewestSeries();
    expect(store.getState()).toMatchObject({ selectedSeriesUid: '2', followLatest: true });
  });
});

describe('slices', () => {
  it('show the newest arrival until the user moves, then stay where the user is', () => {
    push(image('1', 1));
    push(image('1', 2));
    expect(shown()?.index).toBe(1);
    store.getState().stepSlice(-1);
    expect(shown()?.image.meta.instanceNumber).toBe(1);
    push(image('1', 3));
    expect(shown()?.image.meta.instanceNumber).toBe(1);
  });
  it('keep showing the same image when an earlier slice arrives late', () => {
    push(image('1', 2));
    push(image('1', 3));
    store.getState().stepSlice(-1);
    push(image('1', 1));
    expect(shown()).toMatchObject({ index: 1 });
    expect(shown()?.image.meta.instanceNumber).toBe(2);
  });
  it('hold the image someone marks: later slices arrive without taking its place', () => {
    push(image('1', 1));
    push(image('1', 2));
    store.getState().holdImage('1', '1.2');
    push(image('1', 3));
    expect(shown()?.image.meta.sopInstanceUid).toBe('1.2');
    // An image not (yet) here is not held.
    store.getState().holdImage('1', '1.9');
    expect(shown()?.image.meta.sopInstanceUid).toBe('1.2');
  });
  it('stop at the first and last image', () => {
    for (const n of [1, 2, 3]) push(image('1', n));
    store.getState().stepSlice(10);
    expect(shown()?.index).toBe(2);
    store.getState().stepSlice(-10);
    expect(shown()?.index).toBe(0);
    store.getState().goToSlice(Number.MAX_SAFE_INTEGER);
    expect(shown()?.index).toBe(2);
  });
});

describe('series view', () => {
  it('keeps window, invert and zoom per series', () => {
    push(image('1', 1));
    push(image('2', 1));
    store.getState().updateSeriesView('1', { window: { center: 10, width: 20 }, invert: true, zoom: 2 });
    expect(store.getState().seriesViews['1']).toMatchObject({ window: { center: 10, width: 20 }, invert: true, zoom: 2 });
    expect(store.getState().seriesViews['2']).toMatchObject({ window: null, invert: false, zoom: 1 });
  });
});

describe('clearImages', () => {
  it('drops every series and starts following again', () => {
    push(image('1', 1));
    push(image('2', 1));
    store.getState().selectSeries('1');
    store.getState().clearImages();
    expect(store.getState()).toMatchObject({ series: {}, seriesOrder: [], selectedSeriesUid: null, followLatest: true });
    push(image('3', 1));
    expect(store.getState().selectedSeriesUid).toBe('3');
  });
});

describe('refused images', () => {
  it('are refused in the viewer with a clear message in the viewport and the event log', () => {
    push(image('1', 1, { rows: 512, columns: 512, pixels: samples([1, 2], 16, false) }));
    expect(store.getState().series).toEqual({});
    expect(store.getState().imageRefusal).toMatchObject({ code: 'LARMOR_E_IMAGE_UNSUPPORTED', message: expect.stringMatching(/needs 524288.*SOP 1\.1/) });
    expect(store.getState().log.at(-1)).toMatchObject({ kind: 'image', level: 'warning', at: NOW });
  });
  it('refused by the core show in the viewport from their log entry, until dismissed', () => {
    const refusal: LogEntry = {
      at: NOW,
      kind: 'image',
      level: 'warning',
      text: 'image refused: LARMOR_E_DICOM_NOT_AN_IMAGE no Pixel Data',
      error: { code: 'LARMOR_E_DICOM_NOT_AN_IMAGE', message: 'no Pixel Data' },
    };
    fake.pushLog({ at: NOW, kind: 'image', level: 'info', text: 'image received (c-store, 512 KiB)' });
    expect(store.getState().imageRefusal).toBeNull();
    fake.pushLog(refusal);
    expect(store.getState().imageRefusal).toEqual({ at: NOW, code: 'LARMOR_E_DICOM_NOT_AN_IMAGE', message: 'no Pixel Data' });
    expect(store.getState().log).toHaveLength(2);
    store.getState().dismissImageRefusal();
    expect(store.getState().imageRefusal).toBeNull();
  });
});

describe('a series an image, without end (a DICOM peer that starts one with each image)', () => {
  const catalogueOf = (uids: string[]) => ({
    studyUid: '2.25.1',
    series: uids.map((uid) => ({
      seriesUid: uid,
      seriesNumber: Number(uid),
      description: '',
      status: 'complete' as const,
      imageCount: 1,
      imagesExpected: null,
      sopInstanceUids: [`${uid}.1`],
      thumbnail: null,
    })),
  });

  it('keeps the strip to MAX_STRIP_SERIES, forgetting the oldest series the gateway no longer holds with their pixels, never the one on screen', () => {
    push(image('1', 1));
    push(image('2', 1));
    store.getState().selectSeries('1');
    push(image('3', 1));
    // The gateway still holds series 3: it stays, as the one on screen does.
    store.getState().receiveCatalogue(catalogueOf(['3']));
    for (let n = 4; n <= MAX_STRIP_SERIES + 5; n++) push(image(String(n), 1));
    const state = store.getState();
    expect(Object.keys(state.series)).toHaveLength(MAX_STRIP_SERIES);
    expect(state.seriesOrder).toHaveLength(MAX_STRIP_SERIES);
    expect(Object.keys(state.series).filter((uid) => Number(uid) <= 8)).toEqual(['1', '3', '8']);
    expect(state.selectedSeriesUid).toBe('1');
    expect(Object.keys(state.seriesViews).every((uid) => state.series[uid] !== undefined)).toBe(true);
    // The pixels of the forgotten series are no longer counted.
    const bytes = Object.values(state.series).reduce((sum, s) => sum + s.images.reduce((n, i) => n + i.pixels.byteLength, 0), 0);
    expect(state.decodedBytes).toBe(bytes);
  });
});
