import {
  ErrorCode,
  LarmorError,
  type GatewayMessage,
  type ImageFetchMessage,
  type ImageFrameHeader,
  type Role,
  type SequenceStatus,
} from '../../protocol/index.js';
import { ExamImageStore, type DroppedSeries, type HeldImage, type ObserverCopyMaker } from '../images/exam-image-store.js';
import { createThumbnailPool, type ThumbnailPool } from '../images/thumbnail-pool.js';
import { PacedBroadcast } from './paced-broadcast.js';
import { FoldedRepeats, type FoldedRow } from '../audit/folded-repeats.js';
import { DEFAULT_LINK_LIMITS } from './link-limits.js';
import type { BufferedEvent, ImageSource } from './event-buffer.js';
import { CatchUpSender, CATCH_UP_HIGH_WATER_BYTES } from './catch-up-sender.js';
import type { GatewayContext } from './context.js';
import type { ClientSession } from './sessions.js';

export interface ExamImagesOptions {
  /** Bound of the held images in bytes (on disk). */
  maxBytes: number;
  /** Folder of the spool's segment files, beside the gateway's data file; emptied now (leftovers of a process that was killed). */
  spoolDir: string;
  /** Makes observer copies (observer PHI policy "none"); unset: observers get the full bytes. */
  observerCopy?: ObserverCopyMaker;
  /** Catch-up waits while a socket has more than this queued (tests make it small). */
  highWaterBytes?: number;
  /**
   * Series dropped to make room within this long of a notice of it are told together when that
   * time ends (the gateway's `refusalAuditWindowMs`, gateway/server/link-limits.ts).
   */
  noticeWindowMs?: number;
}

/**
 * How often everyone's catalogue may go out again (paced-broadcast.ts): at most every 250 ms,
 * and no faster than 256 KiB a second to each client. A catalogue of a few series is a few
 * kilobytes, so the pace is unseen in an exam; 200 series of one image each make one of 1.1 MB,
 * which then goes out every 4.4 s at most while series keep starting. Live images are not paced:
 * the catalogue tells what can be fetched, and who is connected has the live images already.
 */
const CATALOGUE_PACE = { minIntervalMs: 250, bytesPerSecond: 256 * 1024 };

/** An observer's fetch waiting for the observer copies of the images it names. */
interface WaitingFetch {
  session: ClientSession;
  message: ImageFetchMessage;
  /** The held images it names, found when its turn comes; `next` is the first whose copy may still be due. */
  images?: HeldImage[];
  next: number;
}

/**
 * The open exam's images for everyone who joins (docs/architecture.md "The image's path"): keeps
 * them in an ExamImageStore (a spool on disk) as they are published, tells each client the
 * series catalogue after its welcome and whenever a series begins, changes status or is dropped,
 * and answers `image.fetch` with fetched frames sent behind the live ones (CatchUpSender). The
 * resume buffer rebuilds from it the image frames it no longer keeps in memory (`imageSource`).
 */
export class ExamImagesDesk {
  readonly store: ExamImageStore;
  private readonly senders = new Map<string, CatchUpSender>();
  private lastOutline = '';
  /** A catalogue check is due: made after the live frame went out, once for a burst of changes. */
  private due: NodeJS.Immediate | null = null;
  /** Series thumbnails, large images' made on a worker thread. */
  private readonly thumbnails: ThumbnailPool = createThumbnailPool();
  /**
   * Notices of series dropped to make room: the first at once, those of the rest of a window as
   * one. A peer that starts a series with each image, past the series held, drops one an image:
   * told each time, that was a warning an image in every workstation's event log.
   */
  private readonly dropNotices: FoldedRepeats;
  /** Everyone's catalogue, sent again when it changed, paced (CATALOGUE_PACE). */
  private readonly catalogues = new PacedBroadcast(() => this.sendCatalogues(), CATALOGUE_PACE);
  /** Images not spooled since the last one that was: one notice for a run of failures (a full disk fails every image). */
  private notSpooled = 0;
  /** Observer fetches waiting for their images' observer copies, in the order they came. */
  private readonly waitingFetches: WaitingFetch[] = [];
  /** Held images whose observer copy is to be made when no fetch waits: so that observers' catalogues soon leave out the withheld. */
  private readonly copiesDue = new Set<HeldImage>();
  /** The next turn that makes an observer copy. */
  private copying: NodeJS.Immediate | null = null;
  /** A copy made since observers last got a catalogue came out withheld: their catalogue lists it still. */
  private withheldSinceCatalogue = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly options: ExamImagesOptions,
  ) {
    this.store = new ExamImageStore(options.maxBytes, options.spoolDir, {
      observerCopy: options.observerCopy,
      thumbnail: this.thumbnails.make,
      // Made on the worker after its series' catalogue went out (with the series' last
      // thumbnail, or none): everyone gets the catalogue again.
      thumbnailMade: () => this.catalogues.request(),
      spooled: {
        written: () => this.spooledAgain(),
        lost: (header, why) => {
          this.noticeNotSpooled(header, why);
          this.publishSoon();
        },
      },
    });
    this.store.openExam(ctx.scanner.core().exam?.studyUid ?? null);
    const windowMs = options.noticeWindowMs ?? DEFAULT_LINK_LIMITS.refusalAuditWindowMs;
    this.dropNotices = new FoldedRepeats(windowMs, (row) => this.ctx.notice('warning', this.droppedText(row, windowMs)));
  }

  /** The held images' bytes by the event that published them, for the resume buffer's replay. */
  readonly imageSource: ImageSource = {
    holds: (header) => this.store.heldAs(header.sopInstanceUid, header.seq) !== undefined,
    part10: (header) => this.heldAs(header, (image) => this.store.part10(image)),
    observerPart10: (header) => this.heldAs(header, (image) => this.store.observerPart10(image)),
    observerCopyDue: (header) => {
      const image = this.store.heldAs(header.sopInstanceUid, header.seq);
      return image !== undefined && this.store.needsObserverCopy(image);
    },
  };

  /**
   * An image went out live: hold it (its bytes, and the observer copy made for its live frame,
   * go to the spool), then tell clients when the catalogue changed. An image that cannot be
   * spooled is not held, from now or from when its write fails (`spooled.lost`); live delivery
   * is not affected.
   */
  imagePublished(event: BufferedEvent): void {
    if (!event.image) return;
    let dropped: DroppedSeries[];
    try {
      dropped = this.store.add(event.image);
    } catch (err) {
      if (!(err instanceof LarmorError) || err.code !== ErrorCode.EXAM_IMAGE_NOT_SPOOLED) throw err;
      return this.noticeNotSpooled(event.image.header, err.message);
    }
    if (dropped.length > 0) this.noticeDropped(dropped);
    this.publishSoon();
  }

  /** The observer copy for an image's live frame, made once per image: the one in the spool when there is one. */
  observerCopyOf(header: HeldImage['header'], part10: Uint8Array): Uint8Array | null {
    return this.store.observerCopyOf(header, part10);
  }

  /** The scanner changed: a new exam empties the store; a series' status may have changed. */
  scannerChanged(): void {
    this.store.openExam(this.ctx.scanner.core().exam?.studyUid ?? null);
    this.publishSoon();
  }

  /**
   * After a welcome (join or resume): the whole catalogue at once. An observer's lists the images
   * whose observer copies are not made yet; they are made from now on, one per turn of the event
   * loop, and observers get a new catalogue when some turn out withheld.
   */
  greeted(session: ClientSession): void {
    if (session.role === null) return;
    this.store.refreshThumbnails();
    this.ctx.sessions.send(session, { type: 'exam.catalogue', catalogue: this.catalogueFor(session.role) });
    if (session.role === 'observer') this.copyForObservers();
  }

  /**
   * Observers see de-identified images only (observer PHI policy): a fetch of images whose copies
   * are not made yet is answered once they are, which tells the withheld ones (refused as not
   * held). Meanwhile the same observer's later fetches wait behind it, to be answered in order.
   */
  fetch(session: ClientSession, message: ImageFetchMessage): void {
    if (
      session.role === 'observer' &&
      (this.waitingFetches.some((w) => w.session.id === session.id) ||
        this.store.find(message.request, false).images.some((i) => this.store.needsObserverCopy(i)))
    ) {
      this.waitingFetches.push({ session, message, next: 0 });
      this.copySoon();
      return;
    }
    this.answerFetch(session, message);
  }

  private answerFetch(session: ClientSession, message: ImageFetchMessage): void {
    const observer = session.role === 'observer';
    const { images, unknown } = this.store.find(message.request, observer);
    const refused = unknown.length > 0;
    this.ctx.sessions.send(session, {
      type: 'image.fetch.result',
      id: message.id,
      queued: images.length,
      unknown,
      code: refused ? ErrorCode.IMAGE_NOT_HELD : null,
      reason: refused ? `${unknown.length} of the asked-for images are not held by the gateway (never received, dropped, or of another exam)` : null,
    });
    if (refused) this.ctx.audit(session, 'image.fetch', 'refused', ErrorCode.IMAGE_NOT_HELD, { unknown: unknown.slice(0, 20), count: unknown.length });
    if (images.length === 0) return;
    let sender = this.senders.get(session.id);
    if (!sender) {
      sender = new CatchUpSender(session.ws, this.options.highWaterBytes ?? CATCH_UP_HIGH_WATER_BYTES);
      this.senders.set(session.id, sender);
    }
    // Read from the spool when each image's turn comes.
    const read = (image: HeldImage) => () => (observer ? this.store.observerPart10(image) : this.store.part10(image));
    sender.enqueue(images.map((image) => ({ header: image.header, part10: read(image) })));
  }

  sessionLeft(session: ClientSession): void {
    for (let i = this.waitingFetches.length - 1; i >= 0; i--) if (this.waitingFetches[i]!.session.id === session.id) this.waitingFetches.splice(i, 1);
    this.senders.get(session.id)?.close();
    this.senders.delete(session.id);
  }

  /** The gateway closes: catch-ups stop, and the spool is emptied (nothing of the exam stays on disk). */
  close(): void {
    if (this.due) clearImmediate(this.due);
    this.due = null;
    this.catalogues.close();
    this.dropNotices.flush();
    void this.thumbnails.close();
    if (this.copying) clearImmediate(this.copying);
    this.copying = null;
    this.waitingFetches.length = 0;
    this.copiesDue.clear();
    for (const sender of this.senders.values()) sender.close();
    this.senders.clear();
    this.store.close();
  }

  private heldAs(header: ImageFrameHeader, read: (image: HeldImage) => Uint8Array | null): Uint8Array | null {
    const image = this.store.heldAs(header.sopInstanceUid, header.seq);
    return image ? read(image) : null;
  }

  private catalogueFor(role: Role) {
    return this.store.catalogue((uid) => this.sequenceStatus(uid), role === 'observer');
  }

  /** Every held image's observer copy not made yet is to be made, behind the waiting fetches. */
  private copyForObservers(): void {
    for (const image of this.store.images()) if (this.store.needsObserverCopy(image)) this.copiesDue.add(image);
    if (this.copiesDue.size > 0) this.copySoon();
  }

  private copySoon(): void {
    this.copying ??= setImmediate(() => {
      this.copying = null;
      this.copyTurn();
    });
  }

  /**
   * One turn of observer copies: at most one image de-identified (a read from the spool, the copy,
   * a write), then the event loop serves every link before the next. Made all at once, the copies
   * of hundreds of large images held the loop for seconds, and workstations, silent that long,
   * took their links for lost. Waiting fetches come first, answered as soon as their copies are made.
   */
  private copyTurn(): void {
    while (this.waitingFetches.length > 0) {
      const waiting = this.waitingFetches[0]!;
      waiting.images ??= this.store.find(waiting.message.request, false).images;
      while (waiting.next < waiting.images.length && !this.store.needsObserverCopy(waiting.images[waiting.next]!)) waiting.next++;
      // Tried once (a spool read that fails leaves it due, as it did): the fetch goes on to the next.
      const image = waiting.images[waiting.next++];
      if (image) return this.copyOne(image);
      this.waitingFetches.shift();
      this.answerFetch(waiting.session, waiting.message);
    }
    for (const image of this.copiesDue) {
      this.copiesDue.delete(image);
      if (this.store.needsObserverCopy(image)) return this.copyOne(image);
    }
    // Observers' catalogues then leave out the images found withheld from them.
    if (this.withheldSinceCatalogue) this.catalogues.request();
  }

  private copyOne(image: HeldImage): void {
    this.store.makeObserverCopy(image);
    if (image.observerFile === null) this.withheldSinceCatalogue = true;
    this.copySoon();
  }

  private sequenceStatus(seriesUid: string): SequenceStatus | null {
    return this.ctx.scanner.core().queue.find((s) => s.seriesUid === seriesUid)?.status ?? null;
  }

  /** Off the live image's path: thumbnails are made after its frame went out. */
  private publishSoon(): void {
    this.due ??= setImmediate(() => {
      this.due = null;
      this.publishIfChanged();
    });
  }

  private publishIfChanged(): void {
    const outline = this.store.outline((uid) => this.sequenceStatus(uid));
    if (outline === this.lastOutline) return;
    this.lastOutline = outline;
    this.store.refreshThumbnails();
    this.catalogues.request();
  }

  /** Everyone's catalogue as things are now, made and written once per audience; its largest size in bytes. */
  private sendCatalogues(): number {
    // By audience: observers' leave out the images withheld from them.
    const byAudience = new Map<boolean, { message: GatewayMessage; text: string }>();
    for (const session of this.ctx.sessions.values()) {
      if (session.role === null) continue;
      const observer = session.role === 'observer';
      let made = byAudience.get(observer);
      if (!made) {
        const message: GatewayMessage = { type: 'exam.catalogue', catalogue: this.catalogueFor(session.role) };
        byAudience.set(observer, (made = { message, text: JSON.stringify(message) }));
      }
      this.ctx.sessions.send(session, made.message, made.text);
    }
    if (byAudience.has(true)) {
      this.withheldSinceCatalogue = false;
      this.copyForObservers();
    }
    return Math.max(0, ...[...byAudience.values()].map((m) => Buffer.byteLength(m.text)));
  }

  private noticeNotSpooled(header: HeldImage['header'], why: string): void {
    if (this.notSpooled++ > 0) return;
    this.ctx.store.audit({
      sessionId: null,
      actor: 'gateway',
      role: null,
      action: 'exam images',
      decision: 'image not held',
      code: ErrorCode.EXAM_IMAGE_NOT_SPOOLED,
      detail: { sopInstanceUid: header.sopInstanceUid, why },
    });
    this.ctx.notice(
      'warning',
      `${ErrorCode.EXAM_IMAGE_NOT_SPOOLED}: the gateway could not keep an image on disk (${why}). Live images still arrive; those not kept can not be fetched by someone who joins or resumes.`,
    );
  }

  /** An image was spooled after a run of failures: the audit trail says how many were not held. */
  private spooledAgain(): void {
    if (this.notSpooled === 0) return;
    this.ctx.store.audit({
      sessionId: null,
      actor: 'gateway',
      role: null,
      action: 'exam images',
      decision: 'images held again',
      code: null,
      detail: { notHeld: this.notSpooled },
    });
    this.ctx.notice('info', `The gateway keeps the exam's images on disk again; ${this.notSpooled} were not kept.`);
    this.notSpooled = 0;
  }

  private noticeDropped(dropped: DroppedSeries[]): void {
    const names = dropped.map((d) => `series ${d.seriesNumber ?? '?'} ${d.description}`.trim() + ` (${d.images} images)`).join(', ');
    this.dropNotices.report('exam images', ErrorCode.EXAM_IMAGES_DROPPED, names);
  }

  private droppedText(row: FoldedRow, windowMs: number): string {
    const mb = Math.round(this.store.maxBytes / (1024 * 1024));
    const bound = `${mb} MB, ${this.store.maxImages} images in ${this.store.maxSeries} series`;
    const what =
      row.count === 1
        ? `the exam's images outgrew what the gateway keeps (${bound}); oldest dropped: ${row.reason}`
        : `the exam's images outgrew what the gateway keeps (${bound}) ${row.count} more times in ${windowMs / 1000} s; the last dropped: ${row.reason}`;
    return `${ErrorCode.EXAM_IMAGES_DROPPED}: ${what}. Those images can no longer be fetched by someone who joins.`;
  }
}
