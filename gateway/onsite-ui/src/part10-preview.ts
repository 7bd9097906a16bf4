/**
 * The onsite console's view of a live image: just enough of a DICOM Part 10 file (PS3.10) to
 * show it, in the browser, for the uncompressed transfer syntaxes the gateway's scanner sends
 * (Explicit and Implicit VR Little Endian, PS3.5 A.1 and A.2). Anything else is reported, not
 * guessed at: the remote workstation, with the full codec registry, is where compressed
 * objects are shown.
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
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
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
  // File meta (group 0002) is always explicit VR little endian (PS3.10 7.1).
  const datasetStart = walk(view, 132, part10.length, true, values, (t) => t >>> 16 !== 0x0002);
  const syntax = text(part10, values.get(T.transferSyntax));
  if (syntax !== EXPLICIT_LE && syntax !== IMPLICIT_LE) throw new UnshownImage(`transfer syntax ${syntax || 'unknown'} is shown on the remote workstation only`);
  walk(view, datasetStart, part10.length, syntax === EXPLICIT_LE, values, () => false);
  const rows = u16(view, values.get(T.rows));
  const columns = u16(view, values.get(T.columns));
  const bits = u16(view, values.get(T.bitsAllocated));
  const signed = u16(view, values.get(T.pixelRepresentation)) === 1;
  const pixel = values.get(T.pixelData);
  if (!rows || !columns || !pixel || (bits !== 8 && bits !== 16)) throw new UnshownImage('no greyscale pixel data');
  const count = rows * columns;
  if (pixel.length < count * (bits / 8) || pixel.offset + count * (bits / 8) > part10.length) throw new UnshownImage('pixel data shorter than the image');
  // A copy: the WebSocket's buffer is not kept, and 16-bit views need an aligned start.
  const bytes = part10.slice(pixel.offset, pixel.offset + count * (bits / 8));
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
  };
}

/** Top-level elements from `offset` until `stop(tag)` or the end; sequences are skipped whole. Returns where it stopped. */
function walk(view: DataView, offset: number, end: number, explicit: boolean, into: Map<number, { offset: number; length: number }>, stop: (t: number) => boolean): number {
  while (offset + 8 <= end) {
    const t = tag(view.getUint16(offset, true), view.getUint16(offset + 2, true));
    if (stop(t)) return offset;
    const { length, header, vr } = elementHeader(view, offset, explicit, t);
    offset += header;
    if (length === UNDEFINED) {
      // An undefined-length sequence (or encapsulated pixel data): skip to its delimiter.
      offset = skipUndefined(view, offset, end, explicit);
      if (t === T.pixelData) throw new UnshownImage('encapsulated pixel data is shown on the remote workstation only');
      continue;
    }
    if (vr !== 'SQ') into.set(t, { offset, length });
    offset += length;
  }
  return offset;
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
