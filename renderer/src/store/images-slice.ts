import type { LogEntry, PreviewImage } from '../../../protocol/api.js';
import { MAX_FETCH_UIDS, type ExamCatalogue } from '../../../protocol/exam-images.js';
import { ImageRefusedError, toViewerImage } from '../viewer/pixels.js';
import {
  MAX_STRIP_SERIES,
  addImage,
  afterArrival,
  afterUserPick,
  missingImages,
  newestSeries,
  orderSeries,
  seriesToForget,
  withCatalogue,
  type SeriesRecord,
} from '../viewer/series.js';
import { DEFAULT_IMAGE_BUDGET_BYTES, chooseEvictions, pixelBytes } from '../viewer/memory-budget.js';
import type { WindowLevel } from '../../../base/common/voi-window.js';
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

/** A refused image as the viewport shows it: when, and the `{code, message}` it was refused with. */
interface ImageRefusal {
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
  /** Live images taken (fetched ones are not counted). */
  imagesReceived: number;
  /** Bytes of decoded pixels held, kept within `imageBudgetBytes` by releasing the least recently viewed. */
  decodedBytes: number;
  imageBudgetBytes: number;
  receiveImage(image: PreviewImage): void;
  /** The gateway's catalogue of the open exam (WorkstationView.exam): series shown before their images are here. */
  receiveCatalogue(exam: ExamCatalogue | null | undefined): void;
  /** Fetch the series' images that are held at the gateway but not here (never received, or released). */
  loadSeries(uid: string): void;
  noteImageLog(entry: LogEntry): void;
  dismissImageRefusal(): void;
  selectSeries(uid: string): void;
  followNewestSeries(): void;
  /** Move through the selected series' slices (clamped at the ends). */
  stepSlice(delta: number): void;
  goToSlice(index: number): void;
  updateSeriesView(uid: string, change: Partial<Omit<SeriesView, 'currentSop' | 'pinned'>>): void;
  /** Keep this image of the series on screen (pinned), as moving to it through the slices does. */
  holdImage(uid: string, sop: string): void;
  /** Drop every image (e.g. when the exam closes), releasing the pixel buffers. */
  clearImages(): void;
}

export const createImagesSlice =
  (deps: StoreDeps): SliceCreator<ImagesSlice> =>
  (set, get) => {
    const budget = deps.imageBudgetBytes ?? DEFAULT_IMAGE_BUDGET_BYTES;
    /** When each image was last on screen (or arrived), by SOP Instance UID: the eviction order. */
    const viewedAt = new Map<string, number>();
    let clock = 0;
    const touch = (sop: string | undefined) => sop !== undefined && viewedAt.set(sop, ++clock);
    /** Asked for and not yet here: not asked for twice. */
    const fetching = new Set<string>();
    let catalogueKey = '';

    function refuse(error: { code: string; message: string }): void {
      const entry: LogEntry = { at: deps.now(), kind: 'image', level: 'warning', text: `image refused by the viewer: ${error.code} ${error.message}`, error };
      set({ imageRefusal: { at: entry.at, ...error } });
      get().appendLog(entry);
    }

    function releaseOverBudget(
      series: Record<string, SeriesRecord>,
      total: number,
      selectedUid: string | null,
      seriesViews: Record<string, SeriesView>,
    ): number {
      const onScreen = currentImage({ series, seriesViews }, selectedUid)?.image.meta.sopInstanceUid ?? null;
      const bytes = releaseOverBudgetIn(series, total, budget, (sop) => viewedAt.get(sop) ?? 0, onScreen);
      for (const record of Object.values(series)) for (const meta of record.evicted ?? []) viewedAt.delete(meta.sopInstanceUid);
      return bytes;
    }

    /**
     * Past MAX_STRIP_SERIES, the oldest series the gateway no longer holds leave the strip with
     * their pixels and views (series.ts seriesToForget). Changes `series` in place (a fresh copy
     * owned by the caller); returns the views and the decoded bytes left.
     */
    function forgetOldSeries(
      series: Record<string, SeriesRecord>,
      views: Record<string, SeriesView>,
      held: number,
      keep: ReadonlySet<string>,
    ): { views: Record<string, SeriesView>; held: number } {
      const forget = seriesToForget(Object.values(series), MAX_STRIP_SERIES, keep);
      if (forget.length === 0) return { views, held };
      const left = { ...views };
      for (const uid of forget) {
        const record = series[uid]!;
        for (const image of record.images) {
          held -= pixelBytes(image);
          viewedAt.delete(image.meta.sopInstanceUid);
        }
        for (const meta of record.evicted ?? []) viewedAt.delete(meta.sopInstanceUid);
        delete series[uid];
        delete left[uid];
      }
      return { views: left, held };
    }

    function moveTo(index: number): void {
      const { selectedSeriesUid: uid, series } = get();
      if (!uid) return;
      const record = series[uid];
      if (!record || record.images.length === 0) return;
      const clamped = Math.min(record.images.length - 1, Math.max(0, index));
      const sop = record.images[clamped].meta.sopInstanceUid;
      touch(sop);
      // Paging through a series whose images were released or never fetched brings them back.
      get().loadSeries(uid);
      pin(uid, sop);
    }

    /** Show `sop` of series `uid` and keep it there as later slices arrive. */
    function pin(uid: string, sop: string): void {
      const { seriesViews } = get();
      const view = seriesViews[uid] ?? INITIAL_SERIES_VIEW;
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
      decodedBytes: 0,
      imageBudgetBytes: budget,

      receiveImage: (image) => {
        const state = get();
        // A fetched image is not an arrival: it never becomes "newest" nor moves the selection.
        const fetched = image.fetched === true;
        const arrival = fetched ? 0 : state.imagesReceived + 1;
        let viewerImage;
        try {
          viewerImage = toViewerImage(image, arrival);
        } catch (error) {
          if (!(error instanceof ImageRefusedError)) throw error;
          refuse({ code: error.code, message: `${error.message} (SOP ${image.sopInstanceUid || 'unknown'})` });
          return;
        }
        const uid = viewerImage.meta.seriesUid;
        const sop = viewerImage.meta.sopInstanceUid;
        fetching.delete(sop);
        let prior = state.series[uid];
        // Released earlier and fetched again: its pixels are back.
        if (prior?.evicted?.some((meta) => meta.sopInstanceUid === sop))
          prior = { ...prior, evicted: prior.evicted.filter((meta) => meta.sopInstanceUid !== sop) };
        const updated = addImage(prior, viewerImage);
        if (!updated) return; // the same SOP instance again: shown once
        touch(sop);
        const series = { ...state.series, [uid]: updated };
        let { seriesViews: views, decodedBytes: held } = state;
        if (!prior) ({ views, held } = forgetOldSeries(series, views, held, new Set([uid, ...(state.selectedSeriesUid ? [state.selectedSeriesUid] : [])])));
        const newestSeriesUid = newestSeries(Object.values(series));
        const selection = fetched
          ? { selectedUid: state.selectedSeriesUid ?? uid, followLatest: state.followLatest }
          : afterArrival({ selectedUid: state.selectedSeriesUid, followLatest: state.followLatest }, newestSeriesUid);
        // A series nobody has paged through shows its newest image, so a live acquisition is seen as it happens.
        const view = views[uid] ?? INITIAL_SERIES_VIEW;
        const seriesViews = view.pinned || fetched ? views : { ...views, [uid]: { ...view, currentSop: sop } };
        const decodedBytes = releaseOverBudget(series, held + pixelBytes(viewerImage), selection.selectedUid, seriesViews);
        set({
          ...stripAfter(state.seriesOrder, series, newestSeriesUid, selection),
          seriesViews,
          imagesReceived: fetched ? state.imagesReceived : arrival,
          decodedBytes,
        });
      },

      receiveCatalogue: (exam) => {
        const entries = exam?.series ?? [];
        const key = `${exam?.studyUid ?? ''}|${entries.map((e) => `${e.seriesUid}:${e.imageCount}:${e.status}:${e.thumbnail?.sopInstanceUid ?? ''}`).join(',')}`;
        if (key === catalogueKey) return;
        catalogueKey = key;
        const state = get();
        const series: Record<string, SeriesRecord> = { ...state.series };
        for (const entry of entries) {
          const before = series[entry.seriesUid];
          // Unchanged records keep their identity: their thumbnails in the strip are not redrawn.
          if (
            before?.held?.length === entry.sopInstanceUids.length &&
            before.held[0] === entry.sopInstanceUids[0] &&
            (before.thumbnail ?? null)?.sopInstanceUid === entry.thumbnail?.sopInstanceUid
          )
            continue;
          series[entry.seriesUid] = withCatalogue(before, entry);
        }
        // A series the gateway no longer holds (dropped, or another exam): what is here stays.
        for (const [uid, record] of Object.entries(series)) {
          if (record.held === undefined || entries.some((e) => e.seriesUid === uid)) continue;
          if (record.images.length === 0) delete series[uid];
          else series[uid] = { ...record, held: [], evicted: [] };
        }
        const newestSeriesUid = newestSeries(Object.values(series));
        const selection = afterArrival(
          { selectedUid: state.selectedSeriesUid && series[state.selectedSeriesUid] ? state.selectedSeriesUid : null, followLatest: state.followLatest },
          newestSeriesUid,
        );
        set(stripAfter(state.seriesOrder, series, newestSeriesUid, selection));
        // Someone who joins sees the exam's latest series at once, its images fetched.
        if (selection.selectedUid && series[selection.selectedUid]!.images.length === 0) get().loadSeries(selection.selectedUid);
      },

      loadSeries: (uid) => {
        const record = get().series[uid];
        const api = deps.api();
        if (!record || !api) return;
        const missing = missingImages(record)
          .filter((sop) => !fetching.has(sop))
          .slice(0, MAX_FETCH_UIDS);
        if (missing.length === 0) return;
        for (const sop of missing) fetching.add(sop);
        api.images.fetch({ sopInstanceUids: missing }).then(
          (outcome) => {
            for (const sop of outcome.unknown) fetching.delete(sop);
          },
          (error: { code?: string; message?: string }) => {
            for (const sop of missing) fetching.delete(sop);
            get().appendLog({
              at: deps.now(),
              kind: 'image',
              level: 'warning',
              text: `images of series ${record.number ?? ''} could not be loaded: ${error.message ?? ''}`.trim(),
              error: { code: error.code ?? 'unknown', message: error.message ?? '' },
            });
          },
        );
      },

      noteImageLog: (entry) => {
        if (entry.kind === 'image' && entry.level !== 'info' && entry.error) set({ imageRefusal: { at: entry.at, ...entry.error } });
      },
      dismissImageRefusal: () => set({ imageRefusal: null }),

      selectSeries: (uid) => {
        if (!get().series[uid]) return;
        const selection = afterUserPick(uid, get().newestSeriesUid);
        set({ selectedSeriesUid: selection.selectedUid, followLatest: selection.followLatest });
        touch(currentImage(get(), uid)?.image.meta.sopInstanceUid);
        // Opening a series that is not all here fetches the rest.
        get().loadSeries(uid);
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
      holdImage: (uid, sop) => {
        if (get().series[uid]?.images.some((img) => img.meta.sopInstanceUid === sop)) pin(uid, sop);
      },

      clearImages: () => {
        viewedAt.clear();
        fetching.clear();
        catalogueKey = '';
        set({
          series: {},
          seriesOrder: [],
          newestSeriesUid: null,
          selectedSeriesUid: null,
          followLatest: true,
          seriesViews: {},
          imageRefusal: null,
          decodedBytes: 0,
        });
      },

      updateSeriesView: (uid, change) => {
        const views = get().seriesViews;
        set({ seriesViews: { ...views, [uid]: { ...(views[uid] ?? INITIAL_SERIES_VIEW), ...change } } });
      },
    };
  };

/**
 * Keep decoded pixels within the budget: the least recently viewed images give up their pixels
 * (their metadata moves to `evicted`), never the one on screen. Changes `series` in place (a
 * fresh copy owned by the caller); returns the bytes still held.
 */
function releaseOverBudgetIn(
  series: Record<string, SeriesRecord>,
  total: number,
  budget: number,
  viewedAt: (sop: string) => number,
  onScreen: string | null,
): number {
  const release = chooseEvictions(Object.values(series), total, budget, viewedAt, onScreen);
  let bytes = total;
  for (const [uid, sops] of release) {
    const record = series[uid]!;
    const released = record.images.filter((image) => sops.has(image.meta.sopInstanceUid));
    for (const image of released) bytes -= pixelBytes(image);
    series[uid] = {
      ...record,
      images: record.images.filter((image) => !sops.has(image.meta.sopInstanceUid)),
      evicted: [...(record.evicted ?? []), ...released.map((image) => image.meta)],
    };
  }
  return bytes;
}

/**
 * The series, the strip's order and the selection after the series changed. The order only
 * changes when a series begins (or is renumbered): keeping the same array then spares the strip
 * and every thumbnail a re-render per image.
 */
function stripAfter(
  before: string[],
  series: Record<string, SeriesRecord>,
  newestSeriesUid: string | null,
  selection: { selectedUid: string | null; followLatest: boolean },
) {
  const order = orderSeries(Object.values(series));
  return {
    series,
    seriesOrder: sameOrder(order, before) ? before : order,
    newestSeriesUid,
    selectedSeriesUid: selection.selectedUid,
    followLatest: selection.followLatest,
  };
}

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
