/**
 * What the reader returns: parsed elements keyed by tag, with typed accessors.
 * Values stay views into the file's bytes (no copies) until an accessor interprets them.
 */

/** Encapsulated Pixel Data (PS3.5 A.4): the Basic Offset Table item, then one item per fragment. */
export interface EncapsulatedPixelData {
  /** Offsets of each frame's first fragment, relative to the first fragment item's tag (PS3.5 A.4). Empty when absent. */
  basicOffsetTable: number[];
  /** Fragment values (item headers stripped), in file order. */
  fragments: Uint8Array[];
  /** Offset of each fragment's item tag relative to the first fragment item, to resolve the offset table. */
  fragmentOffsets: number[];
}

export interface ParsedElement {
  /** (group << 16 | element), unsigned. */
  tag: number;
  /** Two-letter VR as written (explicit VR), or from a small dictionary / 'UN' (implicit VR). */
  vr: string;
  /** The value bytes, a view into the file (empty for sequences and encapsulated pixel data). */
  bytes: Uint8Array;
  /** Byte order of the value (false only for Explicit VR Big Endian datasets). */
  littleEndian: boolean;
  /** Items of a sequence (SQ, or UN of undefined length per PS3.5 6.2.2). */
  items?: DataSet[];
  /** Pixel Data with undefined length (PS3.5 A.4). */
  encapsulated?: EncapsulatedPixelData;
}

const latin1 = new TextDecoder('latin1');

export class DataSet {
  readonly elements = new Map<number, ParsedElement>();

  has(tag: number): boolean {
    return this.elements.has(tag >>> 0);
  }

  get(tag: number): ParsedElement | undefined {
    return this.elements.get(tag >>> 0);
  }

  /** Text value with the trailing padding (space or NUL, PS3.5 6.2) removed; undefined when absent. */
  string(tag: number): string | undefined {
    const element = this.get(tag);
    if (element === undefined) return undefined;
    return latin1
      .decode(element.bytes)
      .replace(/[\0 ]+$/, '')
      .replace(/^ +/, '');
  }

  /** Multi-valued text split on backslash (PS3.5 6.4). */
  strings(tag: number): string[] | undefined {
    const text = this.string(tag);
    return text === undefined ? undefined : text.split('\\').map((part) => part.trim());
  }

  /** First value of a US/SS/UL/SL/IS/DS element as a number; undefined when absent or empty. */
  number(tag: number): number | undefined {
    const element = this.get(tag);
    if (element === undefined || element.bytes.length === 0) return undefined;
    const { bytes, littleEndian } = element;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    switch (element.vr) {
      case 'US':
        return bytes.length >= 2 ? view.getUint16(0, littleEndian) : undefined;
      case 'SS':
        return bytes.length >= 2 ? view.getInt16(0, littleEndian) : undefined;
      case 'UL':
        return bytes.length >= 4 ? view.getUint32(0, littleEndian) : undefined;
      case 'SL':
        return bytes.length >= 4 ? view.getInt32(0, littleEndian) : undefined;
      case 'FL':
        return bytes.length >= 4 ? view.getFloat32(0, littleEndian) : undefined;
      case 'FD':
        return bytes.length >= 8 ? view.getFloat64(0, littleEndian) : undefined;
      case 'IS':
      case 'DS': {
        const first = this.strings(tag)?.[0];
        if (first === undefined || first === '') return undefined;
        const value = Number(first);
        return Number.isFinite(value) ? value : undefined;
      }
      default:
        // Implicit VR 'UN' of a 2-byte value: the dictionary did not know it; read as US.
        if (bytes.length === 2) return view.getUint16(0, littleEndian);
        if (bytes.length === 4) return view.getUint32(0, littleEndian);
        return undefined;
    }
  }
}
