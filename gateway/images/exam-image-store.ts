import {
  ErrorCode,
  LarmorError,
  acquisitionUnderway,
  type ExamCatalogue,
  type ExamSeriesStatus,
  type ImageFetchRequest,
  type ImageFrameHeader,
  type SeriesCatalogueEntry,
  type SeriesThumbnail,
  type SequenceStatus,
} from '../../protocol/index.js';
import { readPart10 } from '../../native-bridge/dicom/index.js';
import { cutText } from '../../base/common/cut-text.js';
import { makeSeriesThumbnail } from './series-thumbnail.js';
import { Spool, type WriteAt } from './spool.js';

/** Default bound of the open exam's images in the gateway's spool, on disk (`--exam-images-mb`). */
export const DEFAULT_EXAM_IMAGES_MB = 512;
/**
 * Bounds on what is held by count, beside the bytes: every joiner gets the catalogue (each held
 * image's UID, each series' thumbnail) in one message, and tiny images would otherwise fit by
 * the hundred thousand in the byte bound and make it larger than the frame limit
 * (protocol/version.ts MAX_FRAME_BYTES). 20,000 images (an fMRI run of 300 volumes of 36 slices
 * is 10,800) and 200 series keep it near 3 MB.
 */
const MAX_HELD_IMAGES = 20_000;
const MAX_HELD_SERIES = 200;

/** What the store keeps in memory of one held image: how it went out live, and where its bytes are. */
export interface HeldImage {
  /** The header it was sent with live (its `seq` and `at` included; never a `part`). */
  header: Omit<ImageFrameHeader, 'part' | 'fetched'>;
  /** Bytes of its spool entries (Part 10, and the observer copy once made): the figure the bound counts. */
  size: number;
  /** Its spool entry (the Part 10 bytes as published). */
  file: string;
  /**
   * What observers get under observer PHI policy "none": the spool entry of the de-identified copy,
   * or null when the image is withheld from observers. Absent: not made yet (made from the spool
   * file when an observer first needs it), or no observer copy is ever made (`observerCopy` unset:
   * observers get the full bytes).
   */
  observerFile?: string | null;
}

/** An image as it was published: its bytes, and its observer copy when one was already made for the live frame (null: withheld). */
export interface PublishedImage {
  header: Omit<ImageFrameHeader, 'part' | 'fetched'>;
  part10: Uint8Array;
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
  /** Every SOP Instance that arrived, held or since dropped to make room: what `expected` is counted against. */
  arrived: Set<string>;
  /** By SOP Instance UID, in arrival order. */
  images: Map<string, HeldImage>;
  bytes: number;
  /** The last thumbnail made, of the middle image when it was made (null: none yet). */
  thumbnail: SeriesThumbnail | null;
  /** Its thumbnail is to be made again, of the middle image when its turn comes. */
  thumbnailDue: boolean;
}

/**
 * One image's thumbnail: at once, or later from a worker thread (thumbnail-pool.ts). Null for
 * what it cannot read or show.
 */
export type ThumbnailMaker = (part10: Uint8Array, sopInstanceUid: string) => SeriesThumbnail | null | Promise<SeriesThumbnail | null>;
/** An image's observer copy (observer PHI policy "none"), or null when it must be withheld from observers. */
export type ObserverCopyMaker = (part10: Uint8Array, header: HeldImage['header']) => Uint8Array | null;

export interface ExamImageStoreOptions {
  /** Makes observer copies; unset: observers get the full bytes (observer PHI policy "full"). */
  observerCopy?: ObserverCopyMaker;
  thumbnail?: ThumbnailMaker;
  /** A thumbnail made later (`thumbnail` gave a promise) is in the catalogue from now on. */
  thumbnailMade?: () => void;
  /** Size of the spool's segment files (spool.ts); tests make it small to see one file per image. */
  spoolSegmentBytes?: number;
  /** The spool's writer (spool.ts); a test's stand-in fails it. */
  spoolWriteAt?: WriteAt;
  /**
   * Spool writes finish after `add` returns (spool.ts): `written` when an image's bytes are on
   * disk, `lost` when they, or its observer copy's, could not be written (a full disk). The image
   * is then no longer held; its live delivery was not affected.
   */
  spooled?: { written(): void; lost(header: HeldImage['header'], why: string): void };
  /** Images and series held at most (default MAX_HELD_IMAGES, MAX_HELD_SERIES). */
  maxImages?: number;
  maxSeries?: number;
}

/**
 * The open exam's images, kept so that a client that joins or resumes can see the whole exam
 * (docs/architecture.md "The image's path"): by series, oldest series first, within `maxBytes`,
 * MAX_HELD_IMAGES and MAX_HELD_SERIES. When an image would exceed a bound, whole series go,
 * oldest first (a series larger than the bound on its own loses its oldest images). A new exam
 * starts empty.
 *
 * The bytes are on disk, one spool entry per image (and one per observer copy) in the segment
 * files of `spoolDir` (spool.ts); memory holds only the index (header, size, entry names), so
 * the bound is one of disk (observer copies counted, from when they are made), and the
 * gateway's memory does not grow with the exam. The resume buffer
 * (gateway/server/event-buffer.ts) rebuilds from the spool the frames of image events it no
 * longer keeps in memory.
 */
export class ExamImageStore {
  private readonly series = new Map<string, HeldSeries>();
  private bytes = 0;
  private imageCount = 0;
  readonly maxImages: number;
  readonly maxSeries: number;
  private study: string | null = null;
  private readonly spool: Spool;
  private readonly thumbnail: ThumbnailMaker;
  private readonly thumbnailMade: () => void;
  /** A thumbnail is being made later (a worker thread): the next waits for it. */
  private thumbnailMaking = false;
  private readonly observerCopy: ObserverCopyMaker | undefined;
  private readonly spooled: ExamImageStoreOptions['spooled'];

  constructor(
    readonly maxBytes: number,
    spoolDir: string,
    options: ExamImageStoreOptions = {},
  ) {
    this.spool = new Spool(spoolDir, {
      segmentBytes: options.spoolSegmentBytes,
      writeAt: options.spoolWriteAt,
      written: () => options.spooled?.written(),
      lost: (name, err) => this.spoolLost(name, err),
    });
    this.spooled = options.spooled;
    this.maxImages = options.maxImages ?? MAX_HELD_IMAGES;
    this.maxSeries = options.maxSeries ?? MAX_HELD_SERIES;
    this.thumbnail = options.thumbnail ?? makeSeriesThumbnail;
    this.thumbnailMade = options.thumbnailMade ?? (() => undefined);
    this.observerCopy = options.observerCopy;
  }

  get spoolDir(): string {
    return this.spool.dir;
  }

  get studyUid(): string | null {
    return this.study;
  }

  /** Bytes of the held images' spool entries, observer copies included: the figure the bound counts. */
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
    this.releaseAll();
    this.spool.empty();
    return true;
  }

  /** The gateway closes: the index and the spool go. */
  close(): void {
    this.releaseAll();
    this.spool.delete();
  }

  /**
   * Hold one image: its bytes (and its observer copy, when made) go to the spool. Returns the
   * series dropped to make room (oldest first). Throws LarmorError EXAM_IMAGE_NOT_SPOOLED when
   * there is no file to write to: the image is then not held, and nothing else changed. Its bytes
   * are written after this returns; a write that fails releases it then (`spooled.lost`).
   */
  add(published: PublishedImage): DroppedSeries[] {
    const image = this.spoolImage(published);
    const { seriesUid, sopInstanceUid } = image.header;
    let series = this.series.get(seriesUid);
    if (!series) {
      series = {
        uid: seriesUid,
        ...describeSeries(published.part10),
        expected: image.header.imagesInSeries,
        arrived: new Set(),
        images: new Map(),
        bytes: 0,
        thumbnail: null,
        thumbnailDue: false,
      };
      this.series.set(seriesUid, series);
    }
    const before = series.images.get(sopInstanceUid);
    if (before) this.release(series, before);
    series.images.set(sopInstanceUid, image);
    // Counted against `expected` (bounded too: a series announcing more would never be complete anyway).
    if (series.arrived.size < this.maxImages) series.arrived.add(sopInstanceUid);
    series.expected = image.header.imagesInSeries ?? series.expected;
    series.bytes += image.size;
    this.bytes += image.size;
    this.imageCount++;
    return this.makeRoom(series);
  }

  /** The held images a fetch names, and the asked-for SOP Instance UIDs not held. Observers: withheld images count as not held. */
  find(request: ImageFetchRequest, observer: boolean): { images: HeldImage[]; unknown: string[] } {
    const visible = (image: HeldImage | undefined): image is HeldImage => image !== undefined && !(observer && this.withheld(image));
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

  /**
   * The catalogue a client gets: per series its labels, status, held images and its thumbnail as
   * last made (`refreshThumbnails`). An observer's leaves out the images found withheld from
   * observers; those whose copy is not made yet are in it (the copy is made before a fetch of
   * them is answered).
   */
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

  /**
   * The held image of the SOP Instance published as event `seq`: that event's, or a later copy
   * of it (sent again: a SOP Instance UID names one object, PS3.3 C.12.1.1.1, so its bytes stand
   * for the earlier event's); undefined when not held, or held only as an earlier event.
   */
  heldAs(sopInstanceUid: string, seq: number): HeldImage | undefined {
    const image = this.lookup(sopInstanceUid);
    return image && image.header.seq >= seq ? image : undefined;
  }

  /** A held image's Part 10 bytes, read from the spool; null when it is no longer held. */
  part10(image: HeldImage): Uint8Array | null {
    if (!this.holds(image)) return null;
    return this.spool.read(image.file);
  }

  /**
   * The bytes an observer may get of a held image: its de-identified copy (made now from the
   * spool when not made yet), the full bytes when no copy is ever made, null when withheld
   * or no longer held. Never the full bytes where a copy is due.
   */
  observerPart10(image: HeldImage): Uint8Array | null {
    if (!this.observerCopy) return this.part10(image);
    if (image.observerFile === undefined) this.makeObserverCopy(image);
    if (!this.holds(image) || !image.observerFile) return null;
    return this.spool.read(image.observerFile);
  }

  /**
   * Whether a held image's observer copy is still to be made: then an observer's catalogue lists
   * it (it is fetchable unless the copy turns out withheld) and a fetch of it waits for the copy.
   */
  needsObserverCopy(image: HeldImage): boolean {
    return this.observerCopy !== undefined && image.observerFile === undefined && this.holds(image);
  }

  /**
   * Make one held image's observer copy (read from the spool, de-identified, spooled), when it is
   * due. One image's work: callers that have many to make (exam-images-desk.ts) make one per
   * turn of the event loop, never all at once, which with hundreds of large images held would
   * hold up every link for seconds.
   */
  makeObserverCopy(image: HeldImage): void {
    if (!this.needsObserverCopy(image)) return;
    const part10 = this.part10(image);
    if (part10 === null || !this.observerCopy) return;
    this.keepObserverCopy(image, this.observerCopy(part10, image.header));
  }

  /**
   * The observer copy of the image published as `header`, for its live frame, from the bytes in
   * hand (the resume buffer's): the one in the spool when it was made already, else made now and
   * spooled when the image is held, so that an image is de-identified once. (An image published
   * this moment is not held yet: its copy reaches the spool with it, in `add`.)
   */
  observerCopyOf(header: HeldImage['header'], part10: Uint8Array): Uint8Array | null {
    if (!this.observerCopy) return part10;
    const image = this.heldAs(header.sopInstanceUid, header.seq);
    if (image?.observerFile === null) return null;
    if (image?.observerFile !== undefined) return this.spool.read(image.observerFile);
    const copy = this.observerCopy(part10, header);
    if (image) this.keepObserverCopy(image, copy);
    return copy;
  }

  private withheld(image: HeldImage): boolean {
    return this.observerCopy !== undefined && image.observerFile === null;
  }

  private holds(image: HeldImage): boolean {
    return this.series.get(image.header.seriesUid)?.images.get(image.header.sopInstanceUid) === image;
  }

  /**
   * Spool an image's observer copy (null: withheld). A copy that cannot be written is withheld
   * as well: observers never get the full bytes in its place.
   */
  private keepObserverCopy(image: HeldImage, observerPart10: Uint8Array | null): void {
    image.observerFile = null;
    if (observerPart10 === null) return;
    const file = `${image.header.seq}.observer.dcm`;
    try {
      this.spool.write(file, observerPart10);
    } catch {
      return;
    }
    image.observerFile = file;
    this.grew(image, observerPart10.length);
  }

  /**
   * A held image has more bytes on disk (its observer copy, made when an observer first needs
   * it): counted from now on, and the bound enforced at the next image's arrival. An image not
   * held yet is counted whole when added.
   */
  private grew(image: HeldImage, bytes: number): void {
    image.size += bytes;
    if (!this.holds(image)) return;
    this.series.get(image.header.seriesUid)!.bytes += bytes;
    this.bytes += bytes;
  }

  /** Write an image's files; on failure none is left, and the image is not held. */
  private spoolImage(published: PublishedImage): HeldImage {
    const file = `${published.header.seq}.dcm`;
    const image: HeldImage = { header: published.header, size: published.part10.length, file };
    try {
      this.spool.write(file, published.part10);
      if (this.observerCopy && published.observerPart10 !== undefined) this.keepObserverCopy(image, published.observerPart10);
    } catch (err) {
      this.spool.remove(file);
      throw new LarmorError(
        ErrorCode.EXAM_IMAGE_NOT_SPOOLED,
        `image ${published.header.sopInstanceUid} could not be written to ${this.spool.dir}: ${(err as { code?: string }).code ?? String(err)}`,
      );
    }
    return image;
  }

  private lookup(sopInstanceUid: string): HeldImage | undefined {
    for (const series of this.series.values()) {
      const image = series.images.get(sopInstanceUid);
      if (image) return image;
    }
    return undefined;
  }

  private entry(series: HeldSeries, sequence: SequenceStatus | null, observer: boolean): SeriesCatalogueEntry {
    const uids = [...series.images.values()].filter((i) => !(observer && this.withheld(i))).map((i) => i.header.sopInstanceUid);
    return {
      seriesUid: series.uid,
      seriesNumber: series.number,
      description: series.description,
      status: statusOf(series, sequence),
      imageCount: uids.length,
      imagesExpected: series.expected,
      sopInstanceUids: uids,
      thumbnail: series.thumbnail,
    };
  }

  /**
   * Each series' thumbnail is to be of its middle held image: made where it is of another (one
   * read and one decode a change of middle image). A maker that answers later (a worker thread)
   * calls `thumbnailMade` when it did, and the series keeps its last thumbnail meanwhile. Only
   * callers make thumbnails, never the catalogue itself: a catalogue sent because a thumbnail
   * was made would otherwise ask for the next one while images arrive, and so on.
   */
  refreshThumbnails(): void {
    for (const series of this.series.values()) series.thumbnailDue ||= series.thumbnail?.sopInstanceUid !== middleOf(series)?.header.sopInstanceUid;
    this.makeThumbnails();
  }

  /**
   * The thumbnails due, one at a time when made later: each holds a copy of its image until it
   * is made, and a peer starting a series an image, of large images, would otherwise queue one
   * such copy a series for the worker (up to MAX_HELD_SERIES of them).
   */
  private makeThumbnails(): void {
    for (const series of this.series.values()) {
      if (this.thumbnailMaking) return;
      if (!series.thumbnailDue) continue;
      series.thumbnailDue = false;
      const middle = middleOf(series);
      const part10 = middle && this.part10(middle);
      if (!middle || !part10) continue;
      const made = this.thumbnail(part10, middle.header.sopInstanceUid);
      if (!(made instanceof Promise)) {
        series.thumbnail = made;
        continue;
      }
      this.thumbnailMaking = true;
      void made.then((thumbnail) => {
        this.thumbnailMaking = false;
        // Of a series still held (not dropped, not of an exam since closed); one that could not
        // be made leaves the last.
        if (thumbnail !== null && this.series.get(series.uid) === series) {
          series.thumbnail = thumbnail;
          this.thumbnailMade();
        }
        this.makeThumbnails();
      });
    }
  }

  /** A spool entry whose bytes could not be written: its image is held no more (its copy, if any, goes too). */
  private spoolLost(name: string, err: Error): void {
    for (const series of this.series.values()) {
      for (const image of series.images.values()) {
        if (image.file !== name && image.observerFile !== name) continue;
        this.release(series, image);
        this.spooled?.lost(
          image.header,
          `image ${image.header.sopInstanceUid} could not be written to ${this.spool.dir}: ${(err as { code?: string }).code ?? String(err)}`,
        );
        return;
      }
    }
  }

  /** One image leaves the index, and its files the spool. */
  private release(series: HeldSeries, image: HeldImage): void {
    series.images.delete(image.header.sopInstanceUid);
    series.bytes -= image.size;
    this.bytes -= image.size;
    this.imageCount--;
    this.spool.remove(image.file);
    this.spool.remove(image.observerFile);
  }

  private releaseAll(): void {
    this.series.clear();
    this.bytes = 0;
    this.imageCount = 0;
  }

  /** Whether the held images pass a bound that dropping images can mend (bytes, count). */
  private overImages(): boolean {
    return this.bytes > this.maxBytes || this.imageCount > this.maxImages;
  }

  private makeRoom(current: HeldSeries): DroppedSeries[] {
    const dropped: DroppedSeries[] = [];
    for (const series of this.series.values()) {
      if (!this.overImages() && this.series.size <= this.maxSeries) break;
      if (series === current) continue;
      const { images, bytes } = { images: series.images.size, bytes: series.bytes };
      for (const image of [...series.images.values()]) this.release(series, image);
      this.series.delete(series.uid);
      dropped.push({ seriesUid: series.uid, seriesNumber: series.number, description: series.description, images, bytes });
    }
    // Alone over the bound: the series' oldest images go, the newest always stays. (Walked in
    // place, not copied first: a Map's iterator goes on past entries deleted behind it, and an
    // image within the bounds, the usual case, then costs no copy of a series of thousands.)
    let cut: DroppedSeries | null = null;
    for (const image of current.images.values()) {
      if (!this.overImages() || current.images.size === 1) break;
      this.release(current, image);
      cut ??= { seriesUid: current.uid, seriesNumber: current.number, description: current.description, images: 0, bytes: 0 };
      cut.images++;
      cut.bytes += image.size;
    }
    if (cut) dropped.push(cut);
    return dropped;
  }
}

/** The series' middle held image (the earlier of two), whose thumbnail stands for the series. */
function middleOf(series: HeldSeries): HeldImage | undefined {
  const images = [...series.images.values()];
  return images[Math.floor((images.length - 1) / 2)];
}

/**
 * Series Description is LO, 64 characters at most (PS3.5 Table 6.2-1). Longer, from a peer that
 * ignores that (an LO may be 64 KB on the wire), it is cut: it goes into every catalogue and every
 * notice of dropped series. 200 series described by 65,000 control characters each (six bytes
 * each in JSON) made a catalogue of 79 MB, past what any client takes (protocol/version.ts
 * MAX_FRAME_BYTES): no one got a catalogue again until those series were dropped.
 */
const MAX_DESCRIPTION_CHARS = 64;

/** The series' number and description from its first image (PS3.3 C.7.3.1). */
function describeSeries(part10: Uint8Array): { number: number | null; description: string } {
  try {
    const ds = readPart10(part10).dataset;
    const number = Number(ds.string(0x00200011));
    return {
      number: Number.isInteger(number) && ds.string(0x00200011) !== undefined && ds.string(0x00200011) !== '' ? number : null,
      description: cutText(ds.string(0x0008103e) ?? '', MAX_DESCRIPTION_CHARS),
    };
  } catch {
    return { number: null, description: '' };
  }
}

/**
 * A series' status: the acquisition's while it runs or when it was aborted. Once it completed
 * (its last slices may still be on their way from the slice renderer), or for images pushed by
 * a DICOM peer: complete once every announced image has arrived, or when no count was announced.
 */
function statusOf(series: HeldSeries, sequence: SequenceStatus | null): ExamSeriesStatus {
  if (sequence === 'aborted') return 'aborted';
  if (acquisitionUnderway(sequence) || sequence === 'queued') return 'receiving';
  return series.expected !== null && series.arrived.size < series.expected ? 'receiving' : 'complete';
}
