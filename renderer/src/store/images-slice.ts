import type { LogEntry, PreviewImage } from '../../../protocol/api.js';
import { ImageRefusedError, toViewerImage } from '../viewer/pixels.js';
import { addImage, afterArrival, afterUserPick, newestSeries, orderSeries, type SeriesRecord } from '../viewer/series.js';
import type { WindowLevel } from '../viewer/voi-lut.js';
import type { SliceCreator, StoreDeps } from './types.js';

/** How the user looks at one series; kept per series so switching back finds it as it was left. */
export interface SeriesView {
  /** The image shown, by SOP Instance UID: stays put when an earlier slice arrives later. */
  currentSop: string | null;
  /** The user moved through the slices: new arrivals no longer take the view to the newest image. */
  pinned: boolean;
  /** null shows each image's own window (reset). */
  window: WindowLevel | null;
  invert: boolean;
  /** Multiplies the fit-to-viewport scale. */
  zoom: number;
  panX: number;
  panY: number;
}

export const INITIAL_SERIES_VIEW: SeriesView = { currentSop: null, pinned: false, window: null, invert: false, zoom: 1, panX: 0, panY: 0 };

export interface ImageRefusal {
  at: string;
  code: string;
  message: string;
}

/**
 * Live images. Pixel buffers are received once and kept as typed views inside the series
 * records (the store holds references; nothing is copied or re-decoded); React components select
 * the few fields they show, and the canvas redraws only when its image or window changes.
 */
export interface ImagesSlice {
  series: Record<string, SeriesRecord>;
  /** Strip order (series number, then arrival). */
  seriesOrder: string[];
  newestSeriesUid: string | null;
  selectedSeriesUid: string | null;
  followLatest: boolean;
  seriesViews: Record<string, SeriesView>;
  /** The latest refused image (by the core or by this window), until dismissed. */
  imageRefusal: ImageRefusal | null;
  imagesReceived: number;
  receiveImage(image: PreviewImage): void;
  noteImageLog(entry: LogEntry): void;
  dismissImageRefusal(): void;
  selectSeries(uid: string): void;
  followNewestSeries(): void;
  /** Move through the selected series' slices (clamped at the ends). */
  stepSlice(delta: number): void;
  goToSlice(index: number): void;
  updateSeriesView(uid: string, change: Partial<Omit<SeriesView, 'currentSop' | 'pinned'>>): void;
  /** Drop every image (e.g. when the exam closes), releasing the pixel buffers. */
  clearImages(): void;
}

export const createImagesSlice =
  (deps: StoreDeps): SliceCreator<ImagesSlice> =>
  (set, get) => {
    function refuse(refusal: { code: string; message: string }): void {
      const entry: LogEntry = { at: deps.now(), kind: 'image', level: 'warning', text: `image refused by the viewer: ${refusal.code} ${refusal.message}`, refusal };
      set({ imageRefusal: { at: entry.at, ...refusal } });
      get().appendLog(entry);
    }

    function moveTo(index: number): void {
      const { selectedSeriesUid: uid, series, seriesViews } = get();
      if (!uid) return;
      const record = series[uid];
      if (!record || record.images.length === 0) return;
      const clamped = Math.min(record.images.length - 1, Math.max(0, index));
      const view = seriesViews[uid] ?? INITIAL_SERIES_VIEW;
      const sop = record.images[clamped].meta.sopInstanceUid;
      if (view.currentSop === sop && view.pinned) return;
      set({ seriesViews: { ...seriesViews, [uid]: { ...view, currentSop: sop, pinned: true } } });
    }

    return {
      series: {},
      seriesOrder: [],
      newestSeriesUid: null,
      selectedSeriesUid: null,
      followLatest: true,
      seriesViews: {},
      imageRefusal: null,
      imagesReceived: 0,

      receiveImage: (image) => {
        const state = get();
        const arrival = state.imagesReceived + 1;
        let viewerImage;
        try {
          viewerImage = toViewerImage(image, arrival);
        } catch (error) {
          if (!(error instanceof ImageRefusedError)) throw error;
          refuse({ code: error.code, message: `${error.message} (SOP ${image.sopInstanceUid || 'unknown'})` });
          return;
        }
        const uid = viewerImage.meta.seriesUid;
        const updated = addImage(state.series[uid], viewerImage);
        if (!updated) return; // the same SOP instance again: shown once
        const series = { ...state.series, [uid]: updated };
        const newestSeriesUid = newestSeries(Object.values(series));
        const selection = afterArrival({ selectedUid: state.selectedSeriesUid, followLatest: state.followLatest }, newestSeriesUid);
        // A series nobody has paged through shows its newest image, so a live acquisition is seen as it happens.
        const view = state.seriesViews[uid] ?? INITIAL_SERIES_VIEW;
        const seriesViews = view.pinned ? state.seriesViews : { ...state.seriesViews, [uid]: { ...view, currentSop: viewerImage.meta.sopInstanceUid } };
        // The strip order only changes when a series begins (or is renumbered): keeping the same
        // array then spares the strip and every thumbnail a re-render per image.
        const order = orderSeries(Object.values(series));
        set({
          series,
          seriesOrder: sameOrder(order, state.seriesOrder) ? state.seriesOrder : order,
          newestSeriesUid,
          selectedSeriesUid: selection.selectedUid,
          followLatest: selection.followLatest,
          seriesViews,
          imagesReceived: arrival,
        });
      },

      noteImageLog: (entry) => {
        if (entry.kind === 'image' && entry.refusal) set({ imageRefusal: { at: entry.at, ...entry.refusal } });
      },
      dismissImageRefusal: () => set({ imageRefusal: null }),

      selectSeries: (uid) => {
        if (!get().series[uid]) return;
        const selection = afterUserPick(uid, get().newestSeriesUid);
        set({ selectedSeriesUid: selection.selectedUid, followLatest: selection.followLatest });
      },
      followNewestSeries: () => set({ selectedSeriesUid: get().newestSeriesUid, followLatest: true }),

      stepSlice: (delta) => {
        const { selectedSeriesUid: uid, series, seriesViews } = get();
        if (!uid || !series[uid]) return;
        const images = series[uid].images;
        const sop = seriesViews[uid]?.currentSop;
        const at = images.findIndex((img) => img.meta.sopInstanceUid === sop);
        moveTo((at < 0 ? images.length - 1 : at) + delta);
      },
      goToSlice: (index) => moveTo(index),

      clearImages: () =>
      set({ series: {}, seriesOrder: [], newestSeriesUid: null, selectedSeriesUid: null, followLatest: true, seriesViews: {}, imageRefusal: null }),

    updateSeriesView: (uid, change) => {
        const views = get().seriesViews;
        set({ seriesViews: { ...views, [uid]: { ...(views[uid] ?? INITIAL_SERIES_VIEW), ...change } } });
      },
    };
  };

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((uid, i) => uid === b[i]);
}

/** The image the viewport shows for a series, and its 0-based position. */
export function currentImage(state: Pick<ImagesSlice, 'series' | 'seriesViews'>, uid: string | null) {
  if (!uid) return null;
  const record = state.series[uid];
  if (!record || record.images.length === 0) return null;
  const sop = state.seriesViews[uid]?.currentSop;
  const found = record.images.findIndex((img) => img.meta.sopInstanceUid === sop);
  const index = found < 0 ? record.images.length - 1 : found;
  return { record, index, image: record.images[index] };
}
