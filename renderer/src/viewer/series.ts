import type { SeriesCatalogueEntry, SeriesThumbnail } from '../../../protocol/exam-images.js';
import type { ImageMeta, ViewerImage } from './pixels.js';

/** One series as received so far. */
export interface SeriesRecord {
  uid: string;
  number: number | null;
  description: string;
  /** Images the acquisition will produce, when the sender said so. */
  expected: number | null;
  /** Arrival number of the series' first image: the newest series is the one that began last. */
  firstArrival: number;
  /** Sorted by instance number (images without one last), then by arrival. Only images whose pixels are held. */
  images: readonly ViewerImage[];
  /** What the gateway holds of this series (its catalogue entry): SOP Instance UIDs that can be fetched, and its thumbnail. */
  held?: readonly string[];
  thumbnail?: SeriesThumbnail | null;
  /** Images whose pixels were released to stay within the memory budget: their metadata stays, they are fetched again when viewed. */
  evicted?: readonly ImageMeta[];
}

/** Instance Number order (PS3.3 C.7.6.1), the scanner's slice order; arrival order breaks ties. */
function compareImages(a: ViewerImage, b: ViewerImage): number {
  const an = a.meta.instanceNumber;
  const bn = b.meta.instanceNumber;
  if (an !== bn) {
    if (an === null) return 1;
    if (bn === null) return -1;
    return an - bn;
  }
  return a.arrival - b.arrival;
}

/**
 * The series with the image added in its place, or null when the SOP Instance UID is already
 * there (a resent image is shown once). The series' labels follow the latest image.
 */
export function addImage(series: SeriesRecord | undefined, image: ViewerImage): SeriesRecord | null {
  if (!series) {
    return {
      uid: image.meta.seriesUid,
      number: image.meta.seriesNumber,
      description: image.meta.seriesDescription,
      expected: image.meta.imagesInSeries,
      firstArrival: image.arrival,
      images: [image],
    };
  }
  if (series.images.some((existing) => existing.meta.sopInstanceUid === image.meta.sopInstanceUid)) return null;
  // Binary search for the insertion point: images mostly arrive in order, so this is usually the end.
  let low = 0;
  let high = series.images.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareImages(series.images[mid], image) <= 0) low = mid + 1;
    else high = mid;
  }
  const images = series.images.slice();
  images.splice(low, 0, image);
  return {
    ...series,
    number: image.meta.seriesNumber ?? series.number,
    description: image.meta.seriesDescription || series.description,
    expected: image.meta.imagesInSeries ?? series.expected,
    images,
  };
}

/** Strip order: by Series Number (PS3.3 C.7.3.1), series without one after those with, then by first arrival. */
function compareSeries(a: SeriesRecord, b: SeriesRecord): number {
  if (a.number !== b.number) {
    if (a.number === null) return 1;
    if (b.number === null) return -1;
    return a.number - b.number;
  }
  return a.firstArrival - b.firstArrival;
}

export function orderSeries(all: Iterable<SeriesRecord>): string[] {
  return [...all].sort(compareSeries).map((s) => s.uid);
}

/** The series that began arriving last; among series known only from the catalogue (no live arrival), the highest numbered. */
export function newestSeries(all: Iterable<SeriesRecord>): string | null {
  let newest: SeriesRecord | null = null;
  for (const s of all) {
    if (!newest || s.firstArrival > newest.firstArrival || (s.firstArrival === newest.firstArrival && (s.number ?? -1) > (newest.number ?? -1))) newest = s;
  }
  return newest?.uid ?? null;
}

/**
 * Series the strip keeps at most. An exam has tens; the gateway holds at most 200 for anyone to
 * fetch. A DICOM peer that starts a series with each image would otherwise add one to the strip
 * an image for as long as it sends (each a record, a thumbnail canvas and its rows in the page),
 * long after the gateway dropped them.
 */
export const MAX_STRIP_SERIES = 300;

/**
 * The series to forget so that at most `max` stay: the oldest to begin first, among those the
 * gateway no longer holds (it cannot send them again) and not in `keep` (the one on screen, the
 * one that just began).
 */
export function seriesToForget(all: Iterable<SeriesRecord>, max: number, keep: ReadonlySet<string>): string[] {
  const records = [...all];
  if (records.length <= max) return [];
  return records
    .filter((s) => !keep.has(s.uid) && !(s.held && s.held.length > 0))
    .sort((a, b) => a.firstArrival - b.firstArrival)
    .slice(0, records.length - max)
    .map((s) => s.uid);
}

/**
 * A series of the gateway's catalogue (protocol/exam-images.ts) as the strip keeps it: a record
 * without pixels until its images are fetched (`firstArrival` 0: never newer than a live one),
 * or an existing record with what the gateway holds of it.
 */
export function withCatalogue(series: SeriesRecord | undefined, entry: SeriesCatalogueEntry): SeriesRecord {
  if (!series) {
    return {
      uid: entry.seriesUid,
      number: entry.seriesNumber,
      description: entry.description,
      expected: entry.imagesExpected,
      firstArrival: 0,
      images: [],
      held: entry.sopInstanceUids,
      thumbnail: entry.thumbnail,
    };
  }
  return {
    ...series,
    number: series.number ?? entry.seriesNumber,
    description: series.description || entry.description,
    expected: series.expected ?? entry.imagesExpected,
    held: entry.sopInstanceUids,
    thumbnail: entry.thumbnail ?? series.thumbnail ?? null,
  };
}

/** SOP Instance UIDs of the series that can be fetched but whose pixels are not here: held at the gateway or evicted. */
export function missingImages(series: SeriesRecord): string[] {
  const here = new Set(series.images.map((image) => image.meta.sopInstanceUid));
  const wanted = [...(series.held ?? []), ...(series.evicted ?? []).map((meta) => meta.sopInstanceUid)];
  return [...new Set(wanted)].filter((uid) => !here.has(uid));
}

export interface SeriesSelection {
  selectedUid: string | null;
  followLatest: boolean;
}

/**
 * Follow-latest rule: while following, the viewer shows the newest series; a user's pick of any
 * other series stops following, and picking the newest one again resumes it.
 */
export function afterArrival(selection: SeriesSelection, newestUid: string | null): SeriesSelection {
  if (selection.followLatest || selection.selectedUid === null) return { selectedUid: newestUid, followLatest: selection.followLatest };
  return selection;
}

export function afterUserPick(pickedUid: string, newestUid: string | null): SeriesSelection {
  return { selectedUid: pickedUid, followLatest: pickedUid === newestUid };
}

/** Total shown as "n of N": the expected count when the sender gave one (and it is not exceeded), else what is known to exist. */
export function seriesTotal(series: SeriesRecord): number {
  return Math.max(series.images.length + (series.evicted?.length ?? 0), series.held?.length ?? 0, series.expected ?? 0);
}

/** Representative image for a thumbnail: the middle of what has arrived (the first while only one). */
export function thumbnailImage(series: SeriesRecord): ViewerImage | null {
  if (series.images.length === 0) return null;
  return series.images[Math.floor((series.images.length - 1) / 2)];
}
