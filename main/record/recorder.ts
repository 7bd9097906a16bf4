import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageFrameHeader } from '../../protocol/index.js';
import type { WorkstationCore } from '../core/workstation-core.js';
import type { Activity } from '../core/activity.js';

/**
 * Headless recorder: every activity of the core as one JSON object per line in
 * DIR/events.jsonl, and every received image as the DICOM file it arrived as in DIR/images/.
 * Each line is written with a synchronous write, so what was recorded before an interrupt (or
 * a kill) is on disk.
 */
export class EventRecorder {
  private readonly fd: number;
  private readonly onActivity = (a: Activity) => this.write(a);
  readonly imagesDir: string;
  /** SOP Instance UIDs of the images written, live or fetched: what a recorder still lacks is the rest. */
  readonly written = new Set<string>();
  count = 0;

  constructor(
    private readonly core: WorkstationCore,
    readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
    this.imagesDir = join(dir, 'images');
    mkdirSync(this.imagesDir, { recursive: true });
    this.fd = openSync(join(dir, 'events.jsonl'), 'a');
    core.on('activity', this.onActivity);
  }

  write(record: { type: string; at: string } & object): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    this.count++;
  }

  /**
   * Keep an image exactly as received (its pixel data is what the gateway sent). The name comes
   * from the event number and the SOP Instance UID only when that is a well-formed UID
   * (PS3.5 9.1: digits and dots, at most 64): never from unchecked text.
   */
  saveImage(header: ImageFrameHeader, part10: Uint8Array): string {
    const uid =
      /^[0-9]+(\.[0-9]+)*$/.test(header.sopInstanceUid) && header.sopInstanceUid.length <= 64
        ? header.sopInstanceUid
        : createHash('sha256').update(header.sopInstanceUid).digest('hex').slice(0, 32);
    const file = join(this.imagesDir, `${String(header.seq).padStart(8, '0')}-${uid}.dcm`);
    writeFileSync(`${file}.partial`, part10);
    renameSync(`${file}.partial`, file);
    this.written.add(header.sopInstanceUid);
    return file;
  }

  /**
   * An image asked for after an outage (main/record/missed-images.ts): written as a live one is,
   * unless it already was, and said so in DIR/events.jsonl (the core records no activity for it).
   */
  saveFetchedImage(header: ImageFrameHeader, part10: Uint8Array): void {
    if (this.written.has(header.sopInstanceUid)) return;
    this.saveImage(header, part10);
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

  close(): void {
    this.core.off('activity', this.onActivity);
    closeSync(this.fd);
  }
}
