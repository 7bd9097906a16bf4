/**
 * The onsite console's view of a live image: just enough of a DICOM Part 10 file (PS3.10) to
 * show it, in the browser, for what the gateway sends (RLE Lossless, PS3.5 Annex G) and the
 * uncompressed little endian syntaxes (PS3.5 A.1, A.2). Anything else is reported, not guessed
 * at: the remote workstation, with the full codec registry, is where other objects are shown.
 */

export interface OnsiteImage {
  sopInstanceUid: string;
  seriesUid: string;
  seriesDescription: string;
  instanceNumber: number | null;
  rows: number;
  columns: number;
  /** Stored values, one per pixel. */
  pixels: Uint16Array | Int16Array | Uint8Array;
  slope: number;
  intercept: number;
  windowCenter: number | null;
  windowWidth: number | null;
  monochrome1: boolean;
  /** Pixel Spacing (0028,0030), row then column spacing in mm (PS3.3 10.7.1.3), when present. */
  pixelSpacingMm: [number, number] | null;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
/** RLE Lossless (PS3.5 Annex G): what the gateway sends its live images in. */
const RLE_LOSSLESS = '1.2.840.10008.1.2.5';
const IMPLICIT_LE = '1.2.840.10008.1.2';
/** VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UR', 'UT', 'UN', 'SV', 'UV']);
const UNDEFINED = 0xffffffff;

const tag = (group: number, element: number) => ((group << 16) | element) >>> 0;
const T = {
  transferSyntax: tag(0x0002, 0x0010),
  sopInstance: tag(0x0008, 0x0018),
  seriesDescription: tag(0x0008, 0x103e),
  seriesInstance: tag(0x0020, 0x000e),
  instanceNumber: tag(0x0020, 0x0013),
  photometric: tag(0x0028, 0x0004),
  rows: tag(0x0028, 0x0010),
  pixelSpacing: tag(0x0028, 0x0030),
  columns: tag(0x0028, 0x0011),
  bitsAllocated: tag(0x0028, 0x0100),
  pixelRepresentation: tag(0x0028, 0x0103),
  windowCenter: tag(0x0028, 0x1050),
  windowWidth: tag(0x0028, 0x1051),
  intercept: tag(0x0028, 0x1052),
  slope: tag(0x0028, 0x1053),
  pixelData: tag(0x7fe0, 0x0010),
  item: tag(0xfffe, 0xe000),
  itemEnd: tag(0xfffe, 0xe00d),
  sequenceEnd: tag(0xfffe, 0xe0dd),
};

export class UnshownImage extends Error {}

/** Reads the image; throws UnshownImage with the reason in words when it cannot be shown here. */
export function readOnsiteImage(part10: Uint8Array): OnsiteImage {
  const view = new DataView(part10.buffer, part10.byteOffset, part10.byteLength);
  if (part10.length < 132 || String.fromCharCode(...part10.subarray(128, 132)) !== 'DICM') throw new UnshownImage('not a DICOM Part 10 file');
  const values = new Map<number, { offset: number; length: number }>();
  const fragments: Uint8Array[] = [];
  // File meta (group 0002) is always explicit VR little endian (PS3.10 7.1).
  const datasetStart = walk(view, 132, part10.length, true, values, fragments, (t) => t >>> 16 !== 0x0002);
  const syntax = text(part10, values.get(T.transferSyntax));
  if (syntax !== EXPLICIT_LE && syntax !== IMPLICIT_LE && syntax !== RLE_LOSSLESS) throw new UnshownImage(`transfer syntax ${syntax || 'unknown'} is shown on the remote workstation only`);
  walk(view, datasetStart, part10.length, syntax !== IMPLICIT_LE, values, fragments, () => false);
  const rows = u16(view, values.get(T.rows));
  const columns = u16(view, values.get(T.columns));
  const bits = u16(view, values.get(T.bitsAllocated));
  const signed = u16(view, values.get(T.pixelRepresentation)) === 1;
  const pixel = values.get(T.pixelData);
  if (!rows || !columns || (!pixel && fragments.length === 0) || (bits !== 8 && bits !== 16)) throw new UnshownImage('no greyscale pixel data');
  const count = rows * columns;
  let bytes: Uint8Array;
  if (syntax === RLE_LOSSLESS) {
    // One frame, one fragment (PS3.5 A.4.2); the Basic Offset Table item was not kept.
    if (fragments.length !== 1) throw new UnshownImage(`RLE image in ${fragments.length} fragments`);
    bytes = decodeRle(fragments[0]!, count, bits / 8);
  } else {
    if (!pixel || pixel.length < count * (bits / 8) || pixel.offset + count * (bits / 8) > part10.length) throw new UnshownImage('pixel data shorter than the image');
    // A copy: the WebSocket's buffer is not kept, and 16-bit views need an aligned start.
    bytes = part10.slice(pixel.offset, pixel.offset + count * (bits / 8));
  }
  const pixels = bits === 8 ? bytes : signed ? new Int16Array(bytes.buffer) : new Uint16Array(bytes.buffer);
  return {
    sopInstanceUid: text(part10, values.get(T.sopInstance)),
    seriesUid: text(part10, values.get(T.seriesInstance)),
    seriesDescription: text(part10, values.get(T.seriesDescription)),
    instanceNumber: num(part10, values.get(T.instanceNumber)),
    rows,
    columns,
    pixels,
    slope: num(part10, values.get(T.slope)) ?? 1,
    intercept: num(part10, values.get(T.intercept)) ?? 0,
    windowCenter: num(part10, values.get(T.windowCenter)),
    windowWidth: num(part10, values.get(T.windowWidth)),
    monochrome1: text(part10, values.get(T.photometric)) === 'MONOCHROME1',
    pixelSpacingMm: spacing(text(part10, values.get(T.pixelSpacing))),
  };
}

/** Top-level elements from `offset` until `stop(tag)` or the end; sequences are skipped whole. Returns where it stopped. */
function walk(view: DataView, offset: number, end: number, explicit: boolean, into: Map<number, { offset: number; length: number }>, fragments: Uint8Array[], stop: (t: number) => boolean): number {
  while (offset + 8 <= end) {
    const t = tag(view.getUint16(offset, true), view.getUint16(offset + 2, true));
    if (stop(t)) return offset;
    const { length, header, vr } = elementHeader(view, offset, explicit, t);
    offset += header;
    if (length === UNDEFINED && t === T.pixelData) {
      offset = readFragments(view, offset, end, fragments);
      continue;
    }
    if (length === UNDEFINED) {
      // An undefined-length sequence: skip to its delimiter.
      offset = skipUndefined(view, offset, end, explicit);
      continue;
    }
    if (vr !== 'SQ') into.set(t, { offset, length });
    offset += length;
  }
  return offset;
}

/** Encapsulated pixel data (PS3.5 A.4): the items after the Basic Offset Table, up to the delimiter. */
function readFragments(view: DataView, offset: number, end: number, into: Uint8Array[]): number {
  let first = true;
  while (offset + 8 <= end) {
    const t = tag(view.getUint16(offset, true), view.getUint16(offset + 2, true));
    const length = view.getUint32(offset + 4, true);
    offset += 8;
    if (t === T.sequenceEnd) return offset;
    if (t !== T.item || length === UNDEFINED || offset + length > end) throw new UnshownImage('encapsulated pixel data is malformed');
    if (!first) into.push(new Uint8Array(view.buffer, view.byteOffset + offset, length));
    first = false;
    offset += length;
  }
  throw new UnshownImage('encapsulated pixel data has no end');
}

/**
 * RLE Lossless, one sample per pixel (PS3.5 G.3 to G.5): a 64-byte header of segment count and
 * offsets, one PackBits segment per byte of the sample, most significant first, output little
 * endian. The header is checked against the fragment before a byte is written.
 */
export function decodeRle(fragment: Uint8Array, pixels: number, bytesPerSample: number): Uint8Array {
  const view = new DataView(fragment.buffer, fragment.byteOffset, fragment.byteLength);
  if (fragment.length < 64) throw new UnshownImage('RLE header shorter than 64 bytes');
  const segments = view.getUint32(0, true);
  if (segments !== bytesPerSample) throw new UnshownImage(`RLE image with ${segments} segments for ${bytesPerSample}-byte samples`);
  const out = new Uint8Array(pixels * bytesPerSample);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const stop = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : fragment.length;
    if (start < 64 || start > stop || stop > fragment.length) throw new UnshownImage('RLE segment offsets outside the fragment');
    // Segment 0 holds the most significant byte (G.5); little endian puts it last.
    const byteIndex = bytesPerSample - 1 - s;
    let i = start;
    let n = 0;
    while (n < pixels && i < stop) {
      const control = fragment[i++]!;
      if (control < 128) {
        const run = control + 1;
        if (i + run > stop || n + run > pixels) throw new UnshownImage('RLE literal run past the segment');
        for (let k = 0; k < run; k++) out[(n + k) * bytesPerSample + byteIndex] = fragment[i + k]!;
        i += run;
        n += run;
      } else if (control > 128) {
        const run = 257 - control;
        if (i >= stop || n + run > pixels) throw new UnshownImage('RLE replicate run past the segment');
        const value = fragment[i++]!;
        for (let k = 0; k < run; k++) out[(n + k) * bytesPerSample + byteIndex] = value;
        n += run;
      }
    }
    if (n !== pixels) throw new UnshownImage(`RLE segment ${s + 1} holds ${n} of ${pixels} bytes`);
  }
  return out;
}

function elementHeader(view: DataView, offset: number, explicit: boolean, t: number): { length: number; header: number; vr: string } {
  // Item and delimiter tags have no VR in either encoding (PS3.5 7.5).
  if (!explicit || t >>> 16 === 0xfffe) return { length: view.getUint32(offset + 4, true), header: 8, vr: '' };
  const vr = String.fromCharCode(view.getUint8(offset + 4), view.getUint8(offset + 5));
  if (LONG_VRS.has(vr)) return { length: view.getUint32(offset + 8, true), header: 12, vr };
  return { length: view.getUint16(offset + 6, true), header: 8, vr };
}

/** Past the Sequence Delimitation Item that closes an undefined-length value, nested ones included. */
function skipUndefined(view: DataView, offset: number, end: number, explicit: boolean): number {
  while (offset + 8 <= end) {
    const t = tag(view.getUint16(offset, true), view.getUint16(offset + 2, true));
    const { length, header } = elementHeader(view, offset, explicit, t);
    offset += header;
    if (t === T.sequenceEnd) return offset;
    if (t === T.item || t === T.itemEnd) {
      // An item of undefined length holds elements: walk them (its own delimiter ends it).
      if (t === T.item && length !== UNDEFINED) offset += length;
      continue;
    }
    offset = length === UNDEFINED ? skipUndefined(view, offset, end, explicit) : offset + length;
  }
  return end;
}

function spacing(value: string): [number, number] | null {
  const [row, column] = value.split('\\').map(Number);
  return row! > 0 && column! > 0 ? [row!, column!] : null;
}

function u16(view: DataView, at: { offset: number; length: number } | undefined): number {
  return at && at.length >= 2 ? view.getUint16(at.offset, true) : 0;
}

function text(bytes: Uint8Array, at: { offset: number; length: number } | undefined): string {
  if (!at) return '';
  return new TextDecoder('latin1').decode(bytes.subarray(at.offset, at.offset + at.length)).replace(/[\0 ]+$/, '').trim();
}

/** The first value of a decimal or integer string (DS, IS). */
function num(bytes: Uint8Array, at: { offset: number; length: number } | undefined): number | null {
  const first = text(bytes, at).split('\\')[0];
  if (!first) return null;
  const value = Number(first);
  return Number.isFinite(value) ? value : null;
}
