import { ErrorCode, type ImageFetchMessage, type Role, type SequenceStatus } from '../../protocol/index.js';
import { ExamImageStore, type DroppedSeries, type HeldImage } from '../images/exam-image-store.js';
import { frameFor, type BufferedEvent } from './event-buffer.js';
import { CatchUpSender, CATCH_UP_HIGH_WATER_BYTES } from './catch-up-sender.js';
import type { GatewayContext } from './context.js';
import type { ClientSession } from './sessions.js';

export interface ExamImagesOptions {
  /** Bound of the held images in bytes. */
  maxBytes: number;
  /** Catch-up waits while a socket has more than this queued (tests make it small). */
  highWaterBytes?: number;
}

/**
 * The open exam's images for everyone who joins (docs/architecture.md "The image's path"): keeps
 * them in an ExamImageStore as they are published, tells each client the series catalogue after
 * its welcome and whenever a series begins, changes status or is dropped, and answers
 * `image.fetch` with fetched frames sent behind the live ones (CatchUpSender).
 */
export class ExamImagesDesk {
  readonly store: ExamImageStore;
  private readonly senders = new Map<string, CatchUpSender>();
  private lastOutline = '';
  /** Each held image's resume-buffer event: its observer copy is made there, when an observer first needs it. */
  private readonly events = new WeakMap<HeldImage, BufferedEvent>();
  /** A catalogue check is due: made after the live frame went out, once for a burst of changes. */
  private due: NodeJS.Immediate | null = null;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly options: ExamImagesOptions,
  ) {
    this.store = new ExamImageStore(options.maxBytes);
    this.store.openExam(ctx.scanner.core().exam?.studyUid ?? null);
  }

  /** An image went out live: hold it (the event's own bytes), then tell clients when the catalogue changed. */
  imagePublished(event: BufferedEvent): void {
    if (!event.image) return;
    // The event's own object: an observer copy made later for the resume buffer is seen here too.
    this.events.set(event.image, event);
    const dropped = this.store.add(event.image);
    if (dropped.length > 0) this.noticeDropped(dropped);
    this.publishSoon();
  }

  /** The scanner changed: a new exam empties the store; a series' status may have changed. */
  scannerChanged(): void {
    this.store.openExam(this.ctx.scanner.core().exam?.studyUid ?? null);
    this.publishSoon();
  }

  /** After a welcome (join or resume): the whole catalogue at once. */
  greeted(session: ClientSession): void {
    if (session.role === null) return;
    this.ctx.sessions.send(session, { type: 'exam.catalogue', catalogue: this.catalogueFor(session.role) });
  }

  fetch(session: ClientSession, message: ImageFetchMessage): void {
    const observer = session.role === 'observer';
    if (observer) this.makeObserverCopies();
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
    sender.enqueue(images.map((image) => ({ header: image.header, part10: observer && image.observerPart10 ? image.observerPart10 : image.part10 })));
  }

  sessionLeft(session: ClientSession): void {
    this.senders.get(session.id)?.close();
    this.senders.delete(session.id);
  }

  close(): void {
    if (this.due) clearImmediate(this.due);
    this.due = null;
    for (const sender of this.senders.values()) sender.close();
    this.senders.clear();
  }

  /** Observers see de-identified images only (observer PHI policy): made now for the images that have none yet. */
  private makeObserverCopies(): void {
    for (const image of this.store.images()) {
      const event = this.events.get(image);
      if (event?.observerCopy) frameFor('observer', event);
    }
  }

  private catalogueFor(role: Role) {
    if (role === 'observer') this.makeObserverCopies();
    return this.store.catalogue((uid) => this.sequenceStatus(uid), role === 'observer');
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
    // Made once per audience: the observer's hides images withheld from observers.
    const full = this.catalogueFor('operator');
    let observers: ReturnType<ExamImagesDesk['catalogueFor']> | null = null;
    for (const session of this.ctx.sessions.values()) {
      if (session.role === null) continue;
      const catalogue = session.role === 'observer' ? (observers ??= this.catalogueFor('observer')) : full;
      this.ctx.sessions.send(session, { type: 'exam.catalogue', catalogue });
    }
  }

  private noticeDropped(dropped: DroppedSeries[]): void {
    const names = dropped.map((d) => `series ${d.seriesNumber ?? '?'} ${d.description}`.trim() + ` (${d.images} images)`).join(', ');
    const mb = Math.round(this.store.maxBytes / (1024 * 1024));
    this.ctx.notice(
      'warning',
      `${ErrorCode.EXAM_IMAGES_DROPPED}: the exam's images outgrew the gateway's ${mb} MB; oldest dropped: ${names}. Those images can no longer be fetched by someone who joins.`,
    );
  }
}
