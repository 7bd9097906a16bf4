import { chmodSync, closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Where one entry's bytes are. */
interface Entry {
  segment: Segment;
  offset: number;
  length: number;
}

interface Segment {
  file: string;
  fd: number;
  /** Bytes written so far: where the next entry goes. */
  end: number;
  /** Entries still referring to it: at 0 (and not the one written to) the file goes. */
  live: number;
}

/** Segments are this large by default: a few seconds of images at 20 per second, about a series. */
const SPOOL_SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * Named byte blobs on disk (the exam image store's images), written one after another into
 * append-only segment files, each named after the first entry written into it. A file per image
 * cost a file creation and a deletion per image, about half a millisecond each on ext4, on the
 * event loop; a write at the end of an open segment is a pwrite to the page cache, ten times
 * less. Writes and reads are synchronous for the reasons exam-image-store.ts gives. A segment
 * is deleted once no entry refers to it; the store drops series oldest first, so the oldest
 * segments empty out first and the disk held stays within the store's bound plus a segment.
 *
 * The folder holds PHI as the database does, so it is made the same way
 * (gateway/storage/gateway-store.ts): the folder 0700 and every file 0600. Whatever is in it at
 * start is the leftover of a process that was killed: nothing refers to it any more, so it goes.
 */
export class Spool {
  private readonly entries = new Map<string, Entry>();
  private readonly segments = new Set<Segment>();
  private current: Segment | null = null;

  constructor(
    readonly dir: string,
    private readonly segmentBytes = SPOOL_SEGMENT_BYTES,
  ) {
    this.empty();
  }

  /**
   * Store `bytes` as `name` (replacing an entry of that name). Throws the file system's error
   * (a full disk, a folder gone) with nothing recorded; what was partly written stays unused
   * in its segment until the segment goes.
   */
  write(name: string, bytes: Uint8Array): void {
    this.remove(name);
    const segment = this.segmentFor(name, bytes.length);
    const offset = segment.end;
    // The end moves on whatever happens: a partial write's bytes are never offered again.
    segment.end += bytes.length;
    for (let done = 0; done < bytes.length;) done += writeSync(segment.fd, bytes, done, bytes.length - done, offset + done);
    segment.live++;
    this.entries.set(name, { segment, offset, length: bytes.length });
  }

  /** The bytes stored as `name`, or null when there are none (or they can no longer be read). */
  read(name: string): Uint8Array | null {
    const entry = this.entries.get(name);
    if (!entry) return null;
    const bytes = Buffer.allocUnsafeSlow(entry.length);
    try {
      for (let done = 0; done < entry.length;) {
        const read = readSync(entry.segment.fd, bytes, done, entry.length - done, entry.offset + done);
        if (read === 0) return null;
        done += read;
      }
    } catch {
      return null;
    }
    return bytes;
  }

  /** Forget `name`; a segment nothing refers to any more is deleted. Never throws. */
  remove(name: string | null | undefined): void {
    if (!name) return;
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    entry.segment.live--;
    if (entry.segment.live === 0 && entry.segment !== this.current) this.drop(entry.segment);
  }

  /** Everything goes; the folder stays, empty (a new exam). */
  empty(): void {
    for (const segment of this.segments) this.close(segment);
    this.segments.clear();
    this.entries.clear();
    this.current = null;
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
  }

  /** The gateway closes: nothing of the exam stays on disk. */
  delete(): void {
    this.empty();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The segment to write `length` more bytes to: the current one while it has room, else a new one named `name`. */
  private segmentFor(name: string, length: number): Segment {
    const current = this.current;
    if (current && (current.end === 0 || current.end + length <= this.segmentBytes)) return current;
    // 'wx+': a new file (never through one, or a link, already there), read back as well.
    const fd = openSync(join(this.dir, name), 'wx+', 0o600);
    const segment: Segment = { file: name, fd, end: 0, live: 0 };
    this.segments.add(segment);
    this.current = segment;
    if (current && current.live === 0) this.drop(current);
    return segment;
  }

  private drop(segment: Segment): void {
    this.close(segment);
    this.segments.delete(segment);
    try {
      rmSync(join(this.dir, segment.file), { force: true });
    } catch {
      // emptied with the folder at the next exam, at close or at the next start
    }
  }

  private close(segment: Segment): void {
    try {
      closeSync(segment.fd);
    } catch {
      // already closed: nothing to do
    }
  }
}
