import type {
  ExamCatalogue,
  ExamSeriesStatus,
  ImageFetchRequest,
  ImageFrameHeader,
  SeriesCatalogueEntry,
  SeriesThumbnail,
  SequenceStatus,
} from '../../protocol/index.js';
import { readPart10 } from '../../native-bridge/dicom/index.js';
import { makeSeriesThumbnail } from './series-thumbnail.js';

/** Default bound of the open exam's images at the gateway (`--exam-images-mb`). */
export const DEFAULT_EXAM_IMAGES_MB = 512;

/** One image the gateway holds for the open exam: how it went out live, and its bytes. */
export interface HeldImage {
  /** The header it was sent with live (its `seq` and `at` included; never a `part`). */
  header: Omit<ImageFrameHeader, 'part' | 'fetched'>;
  /** The Part 10 bytes: a view into the event buffer's frame where there is one, not a copy. */
  part10: Uint8Array;
  /**
   * What observers get instead under observer PHI policy "none" (again a view of the buffer's
   * observer frame); null: withheld from observers; absent: observers get `part10`, or the copy
   * is not made yet (the resume buffer makes it when an observer first needs it, and
   * gateway/server/exam-images-desk.ts asks for it before serving an observer).
   */
  observerPart10?: Uint8Array | null;
}

/** A series dropped to stay within the bound: what the notice names. */
export interface DroppedSeries {
  seriesUid: string;
  seriesNumber: number | null;
  description: string;
  images: number;
  bytes: number;
}

interface HeldSeries {
  uid: string;
  number: number | null;
  description: string;
  expected: number | null;
  /** By SOP Instance UID, in arrival order. */
  images: Map<string, HeldImage>;
  bytes: number;
  thumbnail: SeriesThumbnail | null;
}

export type ThumbnailMaker = (part10: Uint8Array, sopInstanceUid: string) => SeriesThumbnail | null;

/**
 * The open exam's images, kept so that a client that joins or resumes can see the whole exam
 * (docs/architecture.md "The image's path"): by series, oldest series first, within `maxBytes`.
 * When an image would exceed the bound, whole series go, oldest first (a series larger than the
 * bound on its own loses its oldest images). A new exam starts empty.
 *
 * The bytes are shared with the resume buffer (gateway/server/event-buffer.ts): an image is held
 * once in memory, as long as either still refers to it.
 */
export class ExamImageStore {
  private readonly series = new Map<string, HeldSeries>();
  private bytes = 0;
  private study: string | null = null;

  constructor(
    readonly maxBytes: number,
    private readonly thumbnail: ThumbnailMaker = makeSeriesThumbnail,
  ) {}

  get studyUid(): string | null {
    return this.study;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  get seriesCount(): number {
    return this.series.size;
  }

  /** The exam whose images are held from now on; another exam (or none) releases everything. Returns true when it changed. */
  openExam(studyUid: string | null): boolean {
    if (studyUid === this.study) return false;
    this.study = studyUid;
    this.series.clear();
    this.bytes = 0;
    return true;
  }

  /** Hold one image; returns the series dropped to make room (oldest first). */
  add(image: HeldImage): DroppedSeries[] {
    const { seriesUid, sopInstanceUid } = image.header;
    let series = this.series.get(seriesUid);
    if (!series) {
      series = { uid: seriesUid, ...describeSeries(image.part10), expected: image.header.imagesInSeries, images: new Map(), bytes: 0, thumbnail: null };
      this.series.set(seriesUid, series);
    }
    const size = sizeOf(image);
    const before = series.images.get(sopInstanceUid);
    if (before) {
      series.bytes -= sizeOf(before);
      this.bytes -= sizeOf(before);
      series.images.delete(sopInstanceUid);
    }
    series.images.set(sopInstanceUid, image);
    series.expected = image.header.imagesInSeries ?? series.expected;
    series.bytes += size;
    this.bytes += size;
    return this.makeRoom(series);
  }

  /** The held images a fetch names, and the asked-for SOP Instance UIDs not held. Observers: withheld images count as not held. */
  find(request: ImageFetchRequest, observer: boolean): { images: HeldImage[]; unknown: string[] } {
    const visible = (image: HeldImage | undefined): image is HeldImage => image !== undefined && !(observer && image.observerPart10 === null);
    if ('seriesUid' in request) {
      const series = this.series.get(request.seriesUid);
      if (!series) return { images: [], unknown: [request.seriesUid] };
      return { images: [...series.images.values()].filter(visible), unknown: [] };
    }
    const images: HeldImage[] = [];
    const unknown: string[] = [];
    for (const uid of new Set(request.sopInstanceUids)) {
      const image = this.lookup(uid);
      if (visible(image)) images.push(image);
      else unknown.push(uid);
    }
    return { images, unknown };
  }

  /** The catalogue a client gets: per series its labels, status, held images and a thumbnail. */
  catalogue(sequenceStatus: (seriesUid: string) => SequenceStatus | null, observer: boolean): ExamCatalogue {
    const series = [...this.series.values()].map((s) => this.entry(s, sequenceStatus(s.uid), observer));
    series.sort((a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity));
    return { studyUid: this.study, series };
  }

  /** What a catalogue would tell beyond image counts: series and their statuses. A change is worth sending. */
  outline(sequenceStatus: (seriesUid: string) => SequenceStatus | null): string {
    return JSON.stringify([this.study, [...this.series.values()].map((s) => [s.uid, statusOf(s, sequenceStatus(s.uid))])]);
  }

  /** Every held image, oldest series first. */
  *images(): IterableIterator<HeldImage> {
    for (const series of this.series.values()) yield* series.images.values();
  }

  private lookup(sopInstanceUid: string): HeldImage | undefined {
    for (const series of this.series.values()) {
      const image = series.images.get(sopInstanceUid);
      if (image) return image;
    }
    return undefined;
  }

  private entry(series: HeldSeries, sequence: SequenceStatus | null, observer: boolean): SeriesCatalogueEntry {
    const uids = [...series.images.values()].filter((i) => !(observer && i.observerPart10 === null)).map((i) => i.header.sopInstanceUid);
    return {
      seriesUid: series.uid,
      seriesNumber: series.number,
      description: series.description,
      status: statusOf(series, sequence),
      imageCount: uids.length,
      imagesExpected: series.expected,
      sopInstanceUids: uids,
      thumbnail: this.thumbnailOf(series),
    };
  }

  /** The middle held image's thumbnail, made once per change of middle image (one decode). */
  private thumbnailOf(series: HeldSeries): SeriesThumbnail | null {
    const images = [...series.images.values()];
    const middle = images[Math.floor((images.length - 1) / 2)];
    if (!middle) return null;
    if (series.thumbnail?.sopInstanceUid !== middle.header.sopInstanceUid) series.thumbnail = this.thumbnail(middle.part10, middle.header.sopInstanceUid);
    return series.thumbnail;
  }

  private makeRoom(current: HeldSeries): DroppedSeries[] {
    const dropped: DroppedSeries[] = [];
    for (const series of this.series.values()) {
      if (this.bytes <= this.maxBytes) break;
      if (series === current) continue;
      this.series.delete(series.uid);
      this.bytes -= series.bytes;
      dropped.push({ seriesUid: series.uid, seriesNumber: series.number, description: series.description, images: series.images.size, bytes: series.bytes });
    }
    // Alone over the bound: the series' oldest images go, the newest always stays.
    let cut: DroppedSeries | null = null;
    for (const [uid, image] of current.images) {
      if (this.bytes <= this.maxBytes || current.images.size === 1) break;
      current.images.delete(uid);
      const size = sizeOf(image);
      current.bytes -= size;
      this.bytes -= size;
      cut ??= { seriesUid: current.uid, seriesNumber: current.number, description: current.description, images: 0, bytes: 0 };
      cut.images++;
      cut.bytes += size;
    }
    if (cut) dropped.push(cut);
    return dropped;
  }
}

/** The bytes an image counts against the bound: its Part 10 bytes. An observer copy, made later and only while observers watch, counts in the resume buffer's budget. */
function sizeOf(image: HeldImage): number {
  return image.part10.length;
}

/** The series' number and description from its first image (PS3.3 C.7.3.1). */
function describeSeries(part10: Uint8Array): { number: number | null; description: string } {
  try {
    const ds = readPart10(part10).dataset;
    const number = Number(ds.string(0x00200011));
    return {
      number: Number.isInteger(number) && ds.string(0x00200011) !== undefined && ds.string(0x00200011) !== '' ? number : null,
      description: ds.string(0x0008103e) ?? '',
    };
  } catch {
    return { number: null, description: '' };
  }
}

/**
 * A series' status: the acquisition's, when the scanner ran it; else (images pushed by a DICOM
 * peer) complete once the expected count is there or when no count was announced.
 */
function statusOf(series: HeldSeries, sequence: SequenceStatus | null): ExamSeriesStatus {
  if (sequence === 'aborted') return 'aborted';
  if (sequence === 'completed') return 'complete';
  if (sequence === 'acquiring' || sequence === 'paused' || sequence === 'queued') return 'receiving';
  return series.expected !== null && series.images.size < series.expected ? 'receiving' : 'complete';
}
