/**
 * Wraps a data set received over DIMSE into a Part 10 file without touching its bytes:
 * 128-byte preamble, "DICM", File Meta Information (PS3.10 7.1), then the data set exactly as
 * the peer encoded it in the negotiated transfer syntax (PS3.7 annex: the C-STORE data set
 * travels in the presentation context's transfer syntax, without group 0002).
 *
 * Why not native-bridge's writePart10: it re-encodes the data set and only produces Explicit
 * VR Little Endian, while the receiver must hand on exactly what the peer sent, Implicit VR
 * included. Only group 0002 is encoded here (always Explicit VR Little Endian, PS3.10 7.1);
 * everything else is passed through and then checked by native-bridge's readPart10.
 */
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from '../../native-bridge/dicom/index.js';
import { ownBuffer } from './object-buffers.js';

export interface FileMetaFields {
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  /** (0002,0016) Source Application Entity Title: the peer's calling AE title. */
  sourceAeTitle: string;
}

/**
 * One Explicit VR Little Endian element with a 2-byte length (PS3.5 7.1.2), padded to even length.
 * The values are UIDs and AE titles, single-byte text (PS3.5 6.2; the command's UIDs were read as
 * Latin-1): written a character a byte, which for a few dozen characters beats a TextEncoder.
 */
function shortElement(element: number, vr: 'UI' | 'SH' | 'AE', text: string): Uint8Array {
  const padded = text.length + (text.length % 2);
  const out = new Uint8Array(8 + padded);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0x0002, true);
  view.setUint16(2, element, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  view.setUint16(6, padded, true);
  for (let i = 0; i < text.length; i++) out[8 + i] = text.charCodeAt(i) & 0xff;
  // PS3.5 6.2: UI is padded with NUL, SH and AE with a space.
  if (padded > text.length) out[8 + text.length] = vr === 'UI' ? 0x00 : 0x20;
  return out;
}

function fileMetaInformation(f: FileMetaFields): Uint8Array {
  const version = new Uint8Array([0x02, 0x00, 0x01, 0x00, 0x4f, 0x42, 0, 0, 2, 0, 0, 0, 0x00, 0x01]); // (0002,0001) OB 00\01
  const body = [
    version,
    shortElement(0x0002, 'UI', f.sopClassUid),
    shortElement(0x0003, 'UI', f.sopInstanceUid),
    shortElement(0x0010, 'UI', f.transferSyntaxUid),
    shortElement(0x0012, 'UI', IMPLEMENTATION_CLASS_UID),
    shortElement(0x0013, 'SH', IMPLEMENTATION_VERSION_NAME),
    ...(f.sourceAeTitle !== '' ? [shortElement(0x0016, 'AE', f.sourceAeTitle)] : []),
  ];
  const bodyLength = body.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(12 + bodyLength);
  const view = new DataView(out.buffer);
  // (0002,0000) UL File Meta Information Group Length: the bytes that follow it in group 0002.
  view.setUint16(0, 0x0002, true);
  view.setUint16(2, 0x0000, true);
  out[4] = 0x55; // 'U'
  out[5] = 0x4c; // 'L'
  view.setUint16(6, 4, true);
  view.setUint32(8, bodyLength, true);
  let pos = 12;
  for (const b of body) {
    out.set(b, pos);
    pos += b.length;
  }
  return out;
}

/** Preamble, "DICM" and File Meta Information: everything of the Part 10 file before the data set. */
export function part10Header(fields: FileMetaFields): Uint8Array {
  const meta = fileMetaInformation(fields);
  const out = new Uint8Array(132 + meta.length); // the 128-byte preamble is zero (PS3.10 7.1)
  out.set([0x44, 0x49, 0x43, 0x4d], 128); // then "DICM"
  out.set(meta, 132);
  return out;
}

/**
 * `dataset` may be the chunks as they arrived: they are copied straight into the file, which
 * saves joining them first (one copy of every received byte instead of two).
 */
export function wrapAsPart10(dataset: Uint8Array | readonly Uint8Array[], fields: FileMetaFields): Uint8Array {
  const chunks = dataset instanceof Uint8Array ? [dataset] : dataset;
  const builder = new Part10Builder(
    part10Header(fields),
    chunks.reduce((n, c) => n + c.length, 0),
  );
  for (const chunk of chunks) builder.append(chunk);
  return builder.finish();
}

/** Where a Part 10 file's room comes from (object-buffers.ts reuses released buffers). */
export interface BufferSource {
  take(length: number): Uint8Array;
  release(buffer: ArrayBufferLike): void;
}

/** Every buffer new, of exactly the length asked for. */
const FRESH_BUFFERS: BufferSource = {
  take: ownBuffer,
  release: () => undefined,
};

/**
 * A Part 10 file built while its data set arrives: the header first, then each fragment copied
 * in as it comes off the socket, so every received byte is copied once, and no copy is left to
 * make after the last fragment (the peer waits for our answer from then on).
 *
 * Room is made for `expectedDataSetBytes` (the receiver passes the previous object's size: the
 * images of a series are alike); a larger data set grows the buffer by doubling, never beyond
 * `maxBytes`. The file is a view from the start of a buffer of its own (never a slice of
 * Node's shared pool), so it can be transferred to a worker thread; the buffer comes from
 * `buffers`, which may hand out one a previous object released. Where the socket can read into
 * the room it reserves (reserve()), the kernel writes the data set in place and nothing is copied.
 */
export class Part10Builder {
  private bytes: Uint8Array;
  private length: number;

  constructor(
    header: Uint8Array,
    expectedDataSetBytes: number,
    private readonly maxBytes = Number.MAX_SAFE_INTEGER,
    private readonly buffers: BufferSource = FRESH_BUFFERS,
  ) {
    this.bytes = buffers.take(Math.min(header.length + expectedDataSetBytes, Math.max(maxBytes, header.length)));
    this.bytes.set(header, 0);
    this.length = header.length;
  }

  append(chunk: Uint8Array): void {
    if (chunk.buffer === this.bytes.buffer && chunk.byteOffset === this.bytes.byteOffset + this.length) {
      // Read straight into the room reserve() gave: the bytes are in place already.
      this.length += chunk.length;
      return;
    }
    this.makeRoom(chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  /**
   * Room for the next `count` bytes, for the socket to read into directly (pdu-guard.ts); pass
   * what was read (a prefix of it) to append(), which then copies nothing.
   */
  reserve(count: number): Uint8Array {
    this.makeRoom(count);
    return this.bytes.subarray(this.length, this.length + count);
  }

  private makeRoom(count: number): void {
    const needed = this.length + count;
    if (needed <= this.bytes.length) return;
    const grown = this.buffers.take(Math.max(needed, Math.min(this.bytes.length * 2, this.maxBytes)));
    grown.set(this.bytes.subarray(0, this.length), 0);
    this.buffers.release(this.bytes.buffer);
    this.bytes = grown;
  }

  finish(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** The file will not be finished (its object was refused or cut off): its buffer may serve another. */
  abandon(): void {
    this.buffers.release(this.bytes.buffer);
  }
}
