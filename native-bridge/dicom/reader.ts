/**
 * Part 10 reader (PS3.10 7.1, PS3.5 7). Parses the File Meta Information, then the dataset in
 * Implicit VR Little Endian, Explicit VR Little Endian (also for encapsulated syntaxes such as
 * RLE Lossless) or Explicit VR Big Endian. Every length is checked against the buffer before it
 * is used, so a truncated or lying file raises a DicomError instead of reading out of bounds.
 */
import { DataSet, type EncapsulatedPixelData, type ParsedElement } from './dataset.js';
import { ErrorCode } from '../../protocol/errors.js';
import { DicomError } from './errors.js';
import { TransferSyntax } from './uids.js';
import { IMPLICIT_VR_DICTIONARY, hasLongLength, isKnownVr } from './vr.js';

export interface DicomFile {
  /** (0002,0010) of the File Meta Information. */
  transferSyntaxUid: string;
  /** Group 0002 elements. */
  meta: DataSet;
  /** The dataset proper (everything after group 0002). */
  dataset: DataSet;
}

const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_DELIMITATION = 0xfffee00d;
const SEQUENCE_DELIMITATION = 0xfffee0dd;
const PIXEL_DATA = 0x7fe00010;
const TRANSFER_SYNTAX_UID = 0x00020010;
/** Nesting deeper than this is treated as hostile input rather than recursed into. */
const MAX_SEQUENCE_DEPTH = 32;

interface Encoding {
  explicitVr: boolean;
  littleEndian: boolean;
}

class Cursor {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly littleEndian: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(count: number, end: number): void {
    if (this.pos + count > end) {
      throw new DicomError(ErrorCode.DICOM_TRUNCATED, `unexpected end of data at byte ${this.pos} (need ${count} more)`);
    }
  }
  uint16(): number {
    const value = this.view.getUint16(this.pos, this.littleEndian);
    this.pos += 2;
    return value;
  }
  uint32(): number {
    const value = this.view.getUint32(this.pos, this.littleEndian);
    this.pos += 4;
    return value;
  }
  tag(): number {
    const group = this.uint16();
    const element = this.uint16();
    return ((group << 16) | element) >>> 0;
  }
  peekTag(): number {
    const saved = this.pos;
    const tag = this.tag();
    this.pos = saved;
    return tag;
  }
  vr(): string {
    const vr = String.fromCharCode(this.bytes[this.pos], this.bytes[this.pos + 1]);
    this.pos += 2;
    return vr;
  }
}

function hex(tag: number): string {
  const text = tag.toString(16).padStart(8, '0').toUpperCase();
  return `(${text.slice(0, 4)},${text.slice(4)})`;
}

/** Parse a complete Part 10 file. */
export function readPart10(bytes: Uint8Array): DicomFile {
  // PS3.10 7.1: 128-byte preamble, then the "DICM" prefix.
  if (bytes.length < 132 || bytes[128] !== 0x44 || bytes[129] !== 0x49 || bytes[130] !== 0x43 || bytes[131] !== 0x4d) {
    throw new DicomError(ErrorCode.DICOM_NOT_PART10, 'not a DICOM Part 10 file (no "DICM" prefix at byte 128)');
  }
  // File Meta Information is always Explicit VR Little Endian (PS3.10 7.1).
  const metaCursor = new Cursor(bytes, 132, true);
  const meta = new DataSet();
  const metaEncoding: Encoding = { explicitVr: true, littleEndian: true };
  while (metaCursor.pos + 4 <= bytes.length && metaCursor.peekTag() >>> 16 === 0x0002) {
    const element = readElement(metaCursor, bytes.length, metaEncoding, 0);
    meta.elements.set(element.tag, element);
  }
  const transferSyntaxUid = meta.string(TRANSFER_SYNTAX_UID);
  if (transferSyntaxUid === undefined || transferSyntaxUid === '') {
    throw new DicomError(ErrorCode.DICOM_NOT_PART10, 'File Meta Information has no Transfer Syntax UID (0002,0010)');
  }
  if (transferSyntaxUid === TransferSyntax.DeflatedExplicitVRLittleEndian) {
    throw new DicomError(ErrorCode.UNSUPPORTED_TRANSFER_SYNTAX, 'Deflated Explicit VR Little Endian is not supported');
  }
  const encoding: Encoding = {
    explicitVr: transferSyntaxUid !== TransferSyntax.ImplicitVRLittleEndian,
    littleEndian: transferSyntaxUid !== TransferSyntax.ExplicitVRBigEndian,
  };
  const cursor = new Cursor(bytes, metaCursor.pos, encoding.littleEndian);
  const dataset = readDataSet(cursor, bytes.length, encoding, 0, false);
  return { transferSyntaxUid, meta, dataset };
}

/**
 * Read elements until `end`, or until an Item Delimitation Item when `untilDelimiter` (an item
 * of undefined length, PS3.5 7.5.1).
 */
function readDataSet(cursor: Cursor, end: number, encoding: Encoding, depth: number, untilDelimiter: boolean): DataSet {
  const dataset = new DataSet();
  while (cursor.pos < end) {
    cursor.need(8, end);
    const tag = cursor.peekTag();
    if (tag === ITEM_DELIMITATION && untilDelimiter) {
      cursor.pos += 8;
      return dataset;
    }
    const element = readElement(cursor, end, encoding, depth);
    dataset.elements.set(element.tag, element);
  }
  if (untilDelimiter) {
    throw new DicomError(ErrorCode.DICOM_TRUNCATED, 'item of undefined length has no Item Delimitation Item');
  }
  return dataset;
}

function readElement(cursor: Cursor, end: number, encoding: Encoding, depth: number): ParsedElement {
  cursor.need(8, end);
  const tag = cursor.tag();
  let vr: string;
  let length: number;
  if (encoding.explicitVr) {
    vr = cursor.vr();
    if (!isKnownVr(vr)) {
      throw new DicomError(ErrorCode.DICOM_MALFORMED, `element ${hex(tag)} has an invalid VR "${vr}"`);
    }
    if (hasLongLength(vr)) {
      cursor.need(6, end);
      cursor.pos += 2; // reserved (PS3.5 7.1.2)
      length = cursor.uint32();
    } else {
      length = cursor.uint16();
    }
  } else {
    vr = IMPLICIT_VR_DICTIONARY[tag] ?? 'UN';
    length = cursor.uint32();
  }

  if (length === UNDEFINED_LENGTH) {
    if (tag === PIXEL_DATA) {
      return { tag, vr, bytes: new Uint8Array(0), littleEndian: encoding.littleEndian, encapsulated: readEncapsulated(cursor, end) };
    }
    if (encoding.explicitVr && vr !== 'SQ' && vr !== 'UN') {
      throw new DicomError(ErrorCode.DICOM_MALFORMED, `element ${hex(tag)} (${vr}) has undefined length`);
    }
    // PS3.5 6.2.2: a UN of undefined length is a sequence encoded in Implicit VR Little Endian.
    const itemEncoding = vr === 'UN' && encoding.explicitVr ? { explicitVr: false, littleEndian: true } : encoding;
    const items = readSequence(cursor, end, itemEncoding, depth + 1, undefined);
    return { tag, vr: vr === 'UN' ? 'SQ' : vr, bytes: new Uint8Array(0), littleEndian: encoding.littleEndian, items };
  }

  cursor.need(length, end);
  const valueStart = cursor.pos;
  if (vr === 'SQ') {
    const items = readSequence(cursor, valueStart + length, encoding, depth + 1, valueStart + length);
    return { tag, vr, bytes: new Uint8Array(0), littleEndian: encoding.littleEndian, items };
  }
  cursor.pos += length;
  return { tag, vr, bytes: cursor.bytes.subarray(valueStart, valueStart + length), littleEndian: encoding.littleEndian };
}

/** Items of a sequence (PS3.5 7.5): defined length ends at `definedEnd`, else at a Sequence Delimitation Item. */
function readSequence(cursor: Cursor, end: number, encoding: Encoding, depth: number, definedEnd: number | undefined): DataSet[] {
  if (depth > MAX_SEQUENCE_DEPTH) {
    throw new DicomError(ErrorCode.DICOM_MALFORMED, `sequences nested deeper than ${MAX_SEQUENCE_DEPTH}`);
  }
  const limit = definedEnd ?? end;
  const items: DataSet[] = [];
  // Item and delimiter tags use the dataset's byte order, but never carry a VR (PS3.5 7.5).
  const itemCursor = cursor;
  for (;;) {
    if (definedEnd !== undefined && itemCursor.pos >= definedEnd) break;
    itemCursor.need(8, limit);
    const tag = itemCursor.tag();
    const length = itemCursor.uint32();
    if (tag === SEQUENCE_DELIMITATION) {
      if (definedEnd !== undefined) {
        throw new DicomError(ErrorCode.DICOM_MALFORMED, 'Sequence Delimitation Item inside a sequence of defined length');
      }
      break;
    }
    if (tag !== ITEM) {
      throw new DicomError(ErrorCode.DICOM_MALFORMED, `expected an Item (FFFE,E000) in a sequence, found ${hex(tag)}`);
    }
    if (length === UNDEFINED_LENGTH) {
      items.push(readDataSet(itemCursor, limit, encoding, depth, true));
    } else {
      itemCursor.need(length, limit);
      const itemEnd = itemCursor.pos + length;
      items.push(readDataSet(itemCursor, itemEnd, encoding, depth, false));
      itemCursor.pos = itemEnd;
    }
  }
  return items;
}

/** Encapsulated Pixel Data (PS3.5 A.4): offset table item, fragment items, Sequence Delimitation Item. */
function readEncapsulated(cursor: Cursor, end: number): EncapsulatedPixelData {
  // Encapsulated formats are always Explicit VR Little Endian, and so are the item headers.
  const items: Uint8Array[] = [];
  const itemOffsets: number[] = [];
  for (;;) {
    cursor.need(8, end);
    const itemStart = cursor.pos;
    const tag = cursor.tag();
    const length = cursor.uint32();
    if (tag === SEQUENCE_DELIMITATION) break;
    if (tag !== ITEM) {
      throw new DicomError(ErrorCode.DICOM_MALFORMED, `expected an Item (FFFE,E000) in encapsulated Pixel Data, found ${hex(tag)}`);
    }
    if (length === UNDEFINED_LENGTH) {
      throw new DicomError(ErrorCode.DICOM_MALFORMED, 'encapsulated Pixel Data item of undefined length');
    }
    cursor.need(length, end);
    items.push(cursor.bytes.subarray(cursor.pos, cursor.pos + length));
    itemOffsets.push(itemStart);
    cursor.pos += length;
  }
  if (items.length === 0) {
    throw new DicomError(ErrorCode.DICOM_MALFORMED, 'encapsulated Pixel Data has no Basic Offset Table item');
  }
  const table = items[0];
  if (table.length % 4 !== 0) {
    throw new DicomError(ErrorCode.DICOM_MALFORMED, `Basic Offset Table length ${table.length} is not a multiple of 4`);
  }
  const tableView = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const basicOffsetTable: number[] = [];
  for (let i = 0; i < table.length; i += 4) basicOffsetTable.push(tableView.getUint32(i, true));
  const firstFragment = itemOffsets[1] ?? 0;
  return {
    basicOffsetTable,
    fragments: items.slice(1),
    fragmentOffsets: itemOffsets.slice(1).map((offset) => offset - firstFragment),
  };
}
