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
  /** The entries still in it, and their bytes: at none (and not the one written to) the file goes. */
  names: Set<string>;
  liveBytes: number;
}

/** Segments are this large by default: a few seconds of images at 20 per second, about a series. */
const SPOOL_SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * Named byte blobs on disk (the exam image store's images), written one after another into
 * append-only segment files, each named after the first entry written into it. A file per image
 * cost a file creation and a deletion per image, about half a millisecond each on ext4, on the
 * event loop; a write at the end of an open segment is a pwrite to the page cache, ten times
 * less. Writes and reads are synchronous: a write lands in the page cache (for 256 KiB, about
 * 0.04 ms alone and 0.2 ms under bench/ingest's load on the 2-core reference machine), and a
 * resume rebuilds the frames it replays from here at once, all or none, between two events
 * (gateway/server/event-buffer.ts `since`), where an asynchronous read would let newer events
 * overtake them.
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

  constructor(
    readonly dir: string,
    private readonly segmentBytes = SPOOL_SEGMENT_BYTES,
  ) {
    this.empty();
  }

  /** Bytes of the segment files on disk, dead ones included. */
  get diskBytes(): number {
    let bytes = 0;
    for (const segment of this.segments) bytes += segment.end;
    return bytes;
  }

  /**
   * Store `bytes` as `name` (replacing an entry of that name). Throws the file system's error
   * (a full disk, a folder gone) with nothing recorded; what was partly written stays unused
   * in its segment until the segment goes.
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
    // The end moves on whatever happens: a partial write's bytes are never offered again.
    segment.end += bytes.length;
    for (let done = 0; done < bytes.length;) done += writeSync(segment.fd, bytes, done, bytes.length - done, offset + done);
    segment.names.add(name);
    segment.liveBytes += bytes.length;
    this.entries.set(name, { segment, offset, length: bytes.length });
  }

  /**
   * Move up to `budget` bytes of live entries out of the sealed segment with the least live in
   * it, when that is under half of it; a segment left empty goes. A move that fails (the disk is
   * full) leaves the entry where it was.
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
    const segment: Segment = { file, fd, end: 0, names: new Set(), liveBytes: 0 };
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
    try {
      closeSync(segment.fd);
    } catch {
      // already closed: nothing to do
    }
  }
}
