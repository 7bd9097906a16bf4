/**
 * Part 10 writer: File Meta Information (PS3.10 7.1) followed by an Explicit VR Little Endian
 * dataset (PS3.5 7.1.2), elements sorted by tag (PS3.5 7.1), every value padded to even length
 * (PS3.5 6.2: text with a space, UI and binary with NUL). Encapsulated Pixel Data (PS3.5 A.4) is
 * written with undefined length, a Basic Offset Table item, one item per fragment and a Sequence
 * Delimitation Item. Environment-neutral: Uint8Array and DataView only.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { DicomError } from './errors.js';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, TransferSyntax } from './uids.js';
import { hasLongLength, isKnownVr, isTextVr, numericWidth } from './vr.js';

/** Encapsulated Pixel Data value (PS3.5 A.4). */
export interface EncapsulatedValue {
  /** Offsets of each frame's first fragment item, relative to the first fragment item. Empty = no table. */
  basicOffsetTable?: number[];
  /** Fragment values, each padded to even length when written. */
  fragments: Uint8Array[];
}

type ElementValue =
  | string
  | number
  | ReadonlyArray<string | number>
  /** Raw value bytes, little-endian, for any VR except SQ; or typed pixel data for OB/OW/OF/OD/OL. */
  | ArrayBufferView
  /** Items of a sequence (VR SQ). */
  | ReadonlyArray<ReadonlyArray<DicomElement>>
  | EncapsulatedValue;

export interface DicomElement {
  /** (group << 16 | element), e.g. 0x00280010 for Rows. */
  tag: number;
  /** Two-letter VR (PS3.5 Table 6.2-1). */
  vr: string;
  value: ElementValue;
}

export interface Part10Input {
  /** Written to (0002,0010); the dataset itself is always Explicit VR Little Endian. */
  transferSyntaxUid: string;
  /** Dataset elements (no group 0002); any order, written sorted by tag. */
  elements: ReadonlyArray<DicomElement>;
}

const SOP_CLASS_UID = 0x00080016;
const SOP_INSTANCE_UID = 0x00080018;
const PIXEL_DATA = 0x7fe00010;
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

function hex(tag: number): string {
  const text = (tag >>> 0).toString(16).padStart(8, '0').toUpperCase();
  return `(${text.slice(0, 4)},${text.slice(4)})`;
}

/** Collects output pieces and concatenates them once at the end (no quadratic copying). */
class ByteSink {
  readonly chunks: Uint8Array[] = [];
  length = 0;
  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let pos = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, pos);
      pos += chunk.length;
    }
    return out;
  }
}

function isEncapsulated(value: ElementValue): value is EncapsulatedValue {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !Array.isArray(value) && 'fragments' in value;
}

/** Little-endian bytes of a typed array (a view when the host is little-endian). */
function littleEndianBytes(view: ArrayBufferView): Uint8Array {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const width = (view as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  if (width === 1 || hostIsLittleEndian || view instanceof DataView) return bytes;
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) {
    for (let k = 0; k < width; k++) swapped[i + k] = bytes[i + width - 1 - k];
  }
  return swapped;
}

function encodeText(tag: number, vr: string, value: ElementValue): Uint8Array {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') text = String(value);
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) text = value.join('\\');
  else throw new DicomError(ErrorCode.DICOM_INVALID_VALUE, `element ${hex(tag)} (${vr}) needs a string value`);
  return utf8.encode(text);
}

function encodeNumbers(tag: number, vr: string, width: number, value: ElementValue): Uint8Array {
  const numbers = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(numbers) || !numbers.every((v) => typeof v === 'number')) {
    throw new DicomError(ErrorCode.DICOM_INVALID_VALUE, `element ${hex(tag)} (${vr}) needs numeric value(s)`);
  }
  const out = new Uint8Array(numbers.length * width);
  const view = new DataView(out.buffer);
  numbers.forEach((n: number, i: number) => {
    const at = i * width;
    switch (vr) {
      case 'US':
        view.setUint16(at, n, true);
        break;
      case 'SS':
        view.setInt16(at, n, true);
        break;
      case 'UL':
        view.setUint32(at, n, true);
        break;
      case 'SL':
        view.setInt32(at, n, true);
        break;
      case 'FL':
        view.setFloat32(at, n, true);
        break;
      case 'FD':
        view.setFloat64(at, n, true);
        break;
      case 'SV':
        view.setBigInt64(at, BigInt(n), true);
        break;
      case 'UV':
        view.setBigUint64(at, BigInt(n), true);
        break;
      case 'AT':
        view.setUint16(at, n >>> 16, true);
        view.setUint16(at + 2, n & 0xffff, true);
        break;
    }
  });
  return out;
}

/** Value bytes of a non-sequence, non-encapsulated element, before padding. */
function encodeValue(element: DicomElement): Uint8Array {
  const { tag, vr, value } = element;
  if (ArrayBuffer.isView(value)) return littleEndianBytes(value);
  if (isTextVr(vr)) return encodeText(tag, vr, value);
  const width = numericWidth(vr);
  if (width !== undefined) return encodeNumbers(tag, vr, width, value);
  throw new DicomError(ErrorCode.DICOM_INVALID_VALUE, `element ${hex(tag)} (${vr}) needs a byte array value`);
}

function header(tag: number, vr: string, length: number): Uint8Array {
  const long = hasLongLength(vr);
  const out = new Uint8Array(long ? 12 : 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, length, true);
  else view.setUint16(6, length, true);
  return out;
}

function itemHeader(tag: number, length: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  view.setUint32(4, length, true);
  return out;
}

const PAD_NUL = new Uint8Array([0]);
const PAD_SPACE = new Uint8Array([0x20]);

function writeElement(sink: ByteSink, element: DicomElement): void {
  const { tag, vr, value } = element;
  if (!isKnownVr(vr)) throw new DicomError(ErrorCode.DICOM_INVALID_VALUE, `element ${hex(tag)} has an unknown VR "${vr}"`);
  if (isEncapsulated(value)) {
    if (tag !== PIXEL_DATA) throw new DicomError(ErrorCode.DICOM_INVALID_VALUE, `only Pixel Data may be encapsulated, not ${hex(tag)}`);
    writeEncapsulated(sink, value);
    return;
  }
  if (vr === 'SQ') {
    if (!Array.isArray(value)) throw new DicomError(ErrorCode.DICOM_INVALID_VALUE, `sequence ${hex(tag)} needs an array of items`);
    const body = new ByteSink();
    for (const item of value as ReadonlyArray<ReadonlyArray<DicomElement>>) {
      const itemBody = new ByteSink();
      writeElements(itemBody, item);
      body.push(itemHeader(0xfffee000, itemBody.length));
      for (const chunk of itemBody.chunks) body.push(chunk);
    }
    sink.push(header(tag, vr, body.length));
    for (const chunk of body.chunks) sink.push(chunk);
    return;
  }
  const bytes = encodeValue(element);
  const odd = bytes.length % 2 === 1;
  const paddedLength = bytes.length + (odd ? 1 : 0);
  if (!hasLongLength(vr) && paddedLength > 0xffff) {
    throw new DicomError(ErrorCode.DICOM_INVALID_VALUE, `element ${hex(tag)} (${vr}) is longer than 65534 bytes`);
  }
  sink.push(header(tag, vr, paddedLength));
  sink.push(bytes);
  if (odd) sink.push(isTextVr(vr) && vr !== 'UI' ? PAD_SPACE : PAD_NUL);
}

function writeEncapsulated(sink: ByteSink, value: EncapsulatedValue): void {
  sink.push(header(PIXEL_DATA, 'OB', 0xffffffff));
  const table = value.basicOffsetTable ?? [];
  const tableBytes = new Uint8Array(table.length * 4);
  const tableView = new DataView(tableBytes.buffer);
  table.forEach((offset, i) => tableView.setUint32(i * 4, offset, true));
  sink.push(itemHeader(0xfffee000, tableBytes.length));
  sink.push(tableBytes);
  for (const fragment of value.fragments) {
    // PS3.5 A.4: each fragment item has an even length.
    const odd = fragment.length % 2 === 1;
    sink.push(itemHeader(0xfffee000, fragment.length + (odd ? 1 : 0)));
    sink.push(fragment);
    if (odd) sink.push(PAD_NUL);
  }
  sink.push(itemHeader(0xfffee0dd, 0));
}

function writeElements(sink: ByteSink, elements: ReadonlyArray<DicomElement>): void {
  const sorted = [...elements].sort((a, b) => (a.tag >>> 0) - (b.tag >>> 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].tag >>> 0 === sorted[i - 1].tag >>> 0) {
      throw new DicomError(ErrorCode.DICOM_INVALID_VALUE, `element ${hex(sorted[i].tag)} appears twice`);
    }
  }
  for (const element of sorted) writeElement(sink, element);
}

/**
 * One fragment per frame with a Basic Offset Table pointing at each (PS3.5 A.4, what dcmcrle
 * writes by default).
 */
export function encapsulateFrames(frames: ReadonlyArray<Uint8Array>): EncapsulatedValue {
  const basicOffsetTable: number[] = [];
  let offset = 0;
  for (const frame of frames) {
    basicOffsetTable.push(offset);
    offset += 8 + frame.length + (frame.length % 2);
  }
  return { basicOffsetTable, fragments: [...frames] };
}

function uidOf(elements: ReadonlyArray<DicomElement>, tag: number, name: string): string {
  const element = elements.find((e) => e.tag >>> 0 === tag);
  if (element === undefined) throw new DicomError(ErrorCode.DICOM_MISSING_ATTRIBUTE, `${name} is required for the File Meta Information`);
  if (typeof element.value === 'string') return element.value;
  if (ArrayBuffer.isView(element.value)) {
    return new TextDecoder('latin1').decode(littleEndianBytes(element.value)).replace(/[\0 ]+$/, '');
  }
  throw new DicomError(ErrorCode.DICOM_INVALID_VALUE, `${name} must be a string`);
}

/** Build a complete Part 10 file. */
export function writePart10(input: Part10Input): Uint8Array {
  const { transferSyntaxUid, elements } = input;
  if (transferSyntaxUid === TransferSyntax.ImplicitVRLittleEndian || transferSyntaxUid === TransferSyntax.ExplicitVRBigEndian) {
    throw new DicomError(ErrorCode.UNSUPPORTED_TRANSFER_SYNTAX, `the writer produces Explicit VR Little Endian datasets, not ${transferSyntaxUid}`);
  }
  if (elements.some((e) => e.tag >>> 16 === 0x0002)) {
    throw new DicomError(ErrorCode.DICOM_INVALID_VALUE, 'group 0002 is built by the writer; pass dataset elements only');
  }
  const metaBody = new ByteSink();
  writeElements(metaBody, [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0x00, 0x01]) },
    { tag: 0x00020002, vr: 'UI', value: uidOf(elements, SOP_CLASS_UID, 'SOP Class UID (0008,0016)') },
    { tag: 0x00020003, vr: 'UI', value: uidOf(elements, SOP_INSTANCE_UID, 'SOP Instance UID (0008,0018)') },
    { tag: 0x00020010, vr: 'UI', value: transferSyntaxUid },
    { tag: 0x00020012, vr: 'UI', value: IMPLEMENTATION_CLASS_UID },
    { tag: 0x00020013, vr: 'SH', value: IMPLEMENTATION_VERSION_NAME },
  ]);
  const file = new ByteSink();
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128); // "DICM"
  file.push(preamble);
  // (0002,0000) File Meta Information Group Length: bytes after this element up to the dataset.
  const groupLength = new Uint8Array(12);
  groupLength.set(header(0x00020000, 'UL', 4));
  new DataView(groupLength.buffer).setUint32(8, metaBody.length, true);
  file.push(groupLength);
  for (const chunk of metaBody.chunks) file.push(chunk);
  writeElements(file, elements);
  return file.toBytes();
}
