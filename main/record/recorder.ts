import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, LarmorError, type ImageFrameHeader } from '../../protocol/index.js';
import type { WorkstationCore } from '../core/workstation-core.js';
import type { Activity } from '../core/activity.js';

/**
 * Headless recorder: every activity of the core as one JSON object per line in
 * DIR/events.jsonl, and every received image as the DICOM file it arrived as in DIR/images/.
 * Each line is written with a synchronous write, so what was recorded before an interrupt (or
 * a kill) is on disk.
 *
 * A write that fails (disk full, no permission) never throws: the writes run inside the core's
 * listeners, where a throw would escape into its socket handlers. The recorder writes nothing
 * more after it, and `failed` resolves with RECORD_WRITE_FAILED naming the file and the
 * system's error, for the command to stop on.
 */
export class EventRecorder {
  private readonly fd: number;
  private readonly onActivity = (a: Activity) => this.write(a);
  readonly imagesDir: string;
  readonly eventsFile: string;
  /** SOP Instance UIDs of the images written, live or fetched: what a recorder still lacks is the rest. */
  readonly written = new Set<string>();
  count = 0;
  /** Resolves with the first write that failed; never while every write succeeds. */
  readonly failed: Promise<LarmorError>;
  private failure: LarmorError | null = null;
  private reportFailure: (failure: LarmorError) => void = () => undefined;
  private closed = false;

  /** Throws RECORD_WRITE_FAILED when DIR, DIR/images or DIR/events.jsonl cannot be made or opened. */
  constructor(
    private readonly core: WorkstationCore,
    readonly dir: string,
  ) {
    this.failed = new Promise((resolve) => (this.reportFailure = resolve));
    this.imagesDir = join(dir, 'images');
    this.eventsFile = join(dir, 'events.jsonl');
    try {
      mkdirSync(this.imagesDir, { recursive: true });
    } catch (err) {
      throw writeFailed(this.imagesDir, err);
    }
    try {
      this.fd = openSync(this.eventsFile, 'a');
    } catch (err) {
      throw writeFailed(this.eventsFile, err);
    }
    core.on('activity', this.onActivity);
  }

  write(record: { type: string; at: string } & object): void {
    if (this.failure || this.closed) return;
    try {
      writeSync(this.fd, `${JSON.stringify(record)}\n`);
    } catch (err) {
      return this.fail(writeFailed(this.eventsFile, err));
    }
    this.count++;
  }

  /**
   * Keep an image exactly as received (its pixel data is what the gateway sent). The name comes
   * from the event number and the SOP Instance UID only when that is a well-formed UID
   * (PS3.5 9.1: digits and dots, at most 64): never from unchecked text. Returns the file, or
   * null when it was not written (a write failed, now or before); no half-written file is left.
   */
  saveImage(header: ImageFrameHeader, part10: Uint8Array): string | null {
    if (this.failure || this.closed) return null;
    const uid =
      /^[0-9]+(\.[0-9]+)*$/.test(header.sopInstanceUid) && header.sopInstanceUid.length <= 64
        ? header.sopInstanceUid
        : createHash('sha256').update(header.sopInstanceUid).digest('hex').slice(0, 32);
    const file = join(this.imagesDir, `${String(header.seq).padStart(8, '0')}-${uid}.dcm`);
    const partial = `${file}.partial`;
    try {
      writeFileSync(partial, part10);
      renameSync(partial, file);
    } catch (err) {
      // What was written of it is no image: a reader of DIR/images must never find half of one.
      try {
        rmSync(partial, { force: true });
      } catch {
        // Unlinking needs no space; failing that too, the error below names the file.
      }
      this.fail(writeFailed(file, err));
      return null;
    }
    this.written.add(header.sopInstanceUid);
    return file;
  }

  /**
   * An image asked for after an outage (main/record/missed-images.ts): written as a live one is,
   * unless it already was, and said so in DIR/events.jsonl (the core records no activity for it).
   */
  saveFetchedImage(header: ImageFrameHeader, part10: Uint8Array): void {
    if (this.written.has(header.sopInstanceUid)) return;
    if (this.saveImage(header, part10) === null) return;
    const line = {
      type: 'image',
      at: new Date().toISOString(),
      seq: header.seq,
      sopInstanceUid: header.sopInstanceUid,
      seriesUid: header.seriesUid,
      fetched: true,
    };
    this.write(line);
  }

  /** Stops listening and closes DIR/events.jsonl; a close that fails is reported as a write would be. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.core.off('activity', this.onActivity);
    try {
      closeSync(this.fd);
    } catch (err) {
      // A network file system may report a failed write only at close.
      this.fail(writeFailed(this.eventsFile, err));
    }
  }

  private fail(failure: LarmorError): void {
    if (this.failure) return;
    this.failure = failure;
    this.reportFailure(failure);
  }

  /** The first write that failed, or null. */
  get writeFailure(): LarmorError | null {
    return this.failure;
  }
}

function writeFailed(file: string, err: unknown): LarmorError {
  // Node's message starts with the system's error code: "ENOSPC: no space left on device, write".
  return new LarmorError(ErrorCode.RECORD_WRITE_FAILED, `could not write ${file}: ${(err as Error).message}`);
}
