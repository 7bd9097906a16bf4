import { chmodSync, closeSync, mkdirSync, openSync, readSync, rmSync, write, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Where one entry's bytes are. */
interface Entry {
  segment: Segment;
  offset: number;
  length: number;
  /** Its bytes, held until they are written: what a read gets meanwhile. */
  writing: Uint8Array | null;
}

/** `fs.write` at a position, as the spool calls it (a test's stand-in fails it). */
export type WriteAt = (
  fd: number,
  bytes: Uint8Array,
  offset: number,
  length: number,
  position: number,
  done: (err: Error | null, written: number) => void,
) => void;

interface Segment {
  file: string;
  fd: number;
  /** Bytes written so far: where the next entry goes. */
  end: number;
  /** The entries still in it, and their bytes: at none (and not the one written to) the file goes. */
  names: Set<string>;
  liveBytes: number;
  /** Writes to it not finished: its file is closed only once none is left (its descriptor could be another file's by then). */
  writes: number;
  /** To be closed when its last write finishes. */
  closing: boolean;
}

export interface SpoolOptions {
  /** Size of the segment files (default SPOOL_SEGMENT_BYTES); tests make it small to see one file per entry. */
  segmentBytes?: number;
  /** An entry's bytes are on disk. */
  written?: (name: string) => void;
  /** An entry whose bytes could not be written (a full disk): it is forgotten, and reads of it get null. */
  lost?: (name: string, err: Error) => void;
  writeAt?: WriteAt;
  /** Bytes held for writes not finished, at most (default MAX_WRITING_BYTES). */
  maxWritingBytes?: number;
}

/**
 * Bytes held in memory for writes not finished, at most. Beyond it (a disk slower than the
 * images coming), a write is made on the event loop, as all were before: memory stays bounded,
 * and the images' arrival is slowed to the disk's pace. Four 4096 x 4096 images and their
 * observer copies; some 60 of 512 x 512.
 */
const MAX_WRITING_BYTES = 96 * 1024 * 1024;

/** Segments are this large by default: a few seconds of images at 20 per second, about a series. */
const SPOOL_SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * Named byte blobs on disk (the exam image store's images), written one after another into
 * append-only segment files, each named after the first entry written into it. A file per image
 * cost a file creation and a deletion per image, about half a millisecond each on ext4, on the
 * event loop; a write at the end of an open segment is a pwrite to the page cache, ten times
 * less.
 *
 * Writes go to libuv's thread pool: an entry is recorded (its place in its segment taken) at
 * once, and its bytes are held in memory, and read from there, until they are on disk. Written
 * on the event loop, the two copies of a 4096 x 4096 image (11 MB each, the image and its
 * observer copy) held it 10 to 50 ms, every link's heartbeat with it (README "Images under
 * load"). Reads stay synchronous: a resume rebuilds the frames it replays from here at once, all
 * or none, between two events (gateway/server/event-buffer.ts `since`), where an asynchronous
 * read would let newer events overtake them; a read is a copy from the page cache. A write that
 * fails after it was recorded (a full disk) forgets its entry, and says so (`lost`). Past
 * MAX_WRITING_BYTES held, writes are made on the event loop again, as they all were before.
 *
 * A segment is deleted once no entry refers to it. Entries do not all leave in the order they
 * came (a scanner sends an image again, the simulator's series outlive the images pushed
 * between them), so a segment mostly of dead bytes has its live entries moved to the end of the
 * current one, a little with every write (as many bytes as the write itself): the disk held
 * stays within about twice the live bytes plus a segment, at no more than twice the writing.
 *
 * The folder holds PHI as the database does, so it is made the same way
 * (gateway/storage/gateway-store.ts): the folder 0700 and every file 0600. Whatever is in it at
 * start is the leftover of a process that was killed: nothing refers to it any more, so it goes.
 */
export class Spool {
  private readonly entries = new Map<string, Entry>();
  private readonly segments = new Set<Segment>();
  private current: Segment | null = null;
  /** Bytes of the entries being written (held in memory). */
  private writingBytes = 0;
  private readonly segmentBytes: number;
  private readonly written: (name: string) => void;
  private readonly lost: (name: string, err: Error) => void;
  private readonly writeAt: WriteAt;
  private readonly maxWritingBytes: number;

  constructor(
    readonly dir: string,
    options: SpoolOptions = {},
  ) {
    this.segmentBytes = options.segmentBytes ?? SPOOL_SEGMENT_BYTES;
    this.written = options.written ?? (() => undefined);
    this.lost = options.lost ?? (() => undefined);
    this.writeAt = options.writeAt ?? write;
    this.maxWritingBytes = options.maxWritingBytes ?? MAX_WRITING_BYTES;
    this.empty();
  }

  /** Bytes of the segment files on disk, dead ones included. */
  get diskBytes(): number {
    let bytes = 0;
    for (const segment of this.segments) bytes += segment.end;
    return bytes;
  }

  /**
   * Store `bytes` as `name` (replacing an entry of that name). They are held, not copied, until
   * written: the caller changes them no more. Throws the file system's error when there is no
   * segment to write to (a folder gone), or when a write made at once fails, with nothing
   * recorded; a write that fails later forgets the entry (`lost`). What was partly written stays
   * unused in its segment until it goes.
   */
  write(name: string, bytes: Uint8Array): void {
    this.remove(name);
    this.append(name, bytes);
    this.compact(bytes.length);
  }

  /** The bytes stored as `name`, or null when there are none (or they can no longer be read). */
  read(name: string): Uint8Array | null {
    const entry = this.entries.get(name);
    if (!entry) return null;
    // A copy, as from the disk: the reader may change it, or hand it to a worker.
    if (entry.writing) return entry.writing.slice();
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
    // A plain Uint8Array, as the type says: a reader's slice() then copies, as it does on one.
    return new Uint8Array(bytes.buffer, 0, bytes.length);
  }

  /** Forget `name`; a segment nothing refers to any more is deleted. Never throws. */
  remove(name: string | null | undefined): void {
    if (!name) return;
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    this.leave(entry.segment, name, entry.length);
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

  private append(name: string, bytes: Uint8Array): void {
    const segment = this.segmentFor(name, bytes.length);
    const offset = segment.end;
    // The end moves on whatever happens: a failed write's bytes are never offered again.
    segment.end += bytes.length;
    // Past the bytes it may hold for writes not finished, the spool writes on the event loop (MAX_WRITING_BYTES).
    const atOnce = this.writingBytes + bytes.length > this.maxWritingBytes;
    if (atOnce) for (let done = 0; done < bytes.length;) done += writeSync(segment.fd, bytes, done, bytes.length - done, offset + done);
    segment.names.add(name);
    segment.liveBytes += bytes.length;
    const entry: Entry = { segment, offset, length: bytes.length, writing: atOnce ? null : bytes };
    this.entries.set(name, entry);
    if (!atOnce) this.writeLater(name, entry, bytes);
  }

  /** Writes `entry`'s bytes on the thread pool; once done, a read finds them on disk, or the entry is lost. */
  private writeLater(name: string, entry: Entry, bytes: Uint8Array): void {
    const { segment, offset } = entry;
    segment.writes++;
    this.writingBytes += bytes.length;
    const finished = (err: Error | null) => {
      entry.writing = null;
      this.writingBytes -= bytes.length;
      if (--segment.writes === 0 && segment.closing) this.close(segment);
      // Removed, or written again, meanwhile: nobody is waiting for these bytes any more.
      if (this.entries.get(name) !== entry) return;
      if (err === null) return this.written(name);
      this.entries.delete(name);
      this.leave(segment, name, entry.length);
      this.lost(name, err);
    };
    const from = (done: number) =>
      this.writeAt(segment.fd, bytes, done, bytes.length - done, offset + done, (err, written) => {
        if (err) return finished(err);
        if (done + written < bytes.length) return from(done + written);
        finished(null);
      });
    from(0);
  }

  /**
   * Move up to `budget` bytes of live entries out of the sealed segment with the least live in
   * it, when that is under half of it; a segment left empty goes. A move that cannot start (no
   * segment to write to) leaves the entry where it was; one whose write fails later loses it, as
   * any write that fails does (`lost`).
   */
  private compact(budget: number): void {
    let sparsest: Segment | null = null;
    for (const segment of this.segments) {
      if (segment === this.current || segment.liveBytes * 2 > segment.end) continue;
      if (!sparsest || segment.liveBytes / segment.end < sparsest.liveBytes / sparsest.end) sparsest = segment;
    }
    if (!sparsest) return;
    for (const name of [...sparsest.names]) {
      if (budget <= 0) return;
      const entry = this.entries.get(name)!;
      const bytes = this.read(name);
      if (bytes === null) return;
      try {
        this.append(name, bytes);
      } catch {
        this.entries.set(name, entry);
        return;
      }
      this.leave(entry.segment, name, entry.length);
      budget -= bytes.length;
    }
  }

  private leave(segment: Segment, name: string, length: number): void {
    segment.names.delete(name);
    segment.liveBytes -= length;
    if (segment.names.size === 0 && segment !== this.current) this.drop(segment);
  }

  /** The segment to write `length` more bytes to: the current one while it has room, else a new one named after `name`. */
  private segmentFor(name: string, length: number): Segment {
    const current = this.current;
    if (current && (current.end === 0 || current.end + length <= this.segmentBytes)) return current;
    // A name one of our segments has already (an entry moved, or written again) takes a suffix.
    let file = name;
    for (let n = 1; [...this.segments].some((s) => s.file === file); n++) file = `${name}~${n}`;
    // 'wx+': a new file (never through one, or a link, already there), read back as well.
    const fd = openSync(join(this.dir, file), 'wx+', 0o600);
    const segment: Segment = { file, fd, end: 0, names: new Set(), liveBytes: 0, writes: 0, closing: false };
    this.segments.add(segment);
    this.current = segment;
    if (current && current.names.size === 0) this.drop(current);
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
    if (segment.writes > 0) {
      segment.closing = true;
      return;
    }
    try {
      closeSync(segment.fd);
    } catch {
      // already closed: nothing to do
    }
  }
}
