/**
 * Turn a parsed dataset back into writer input, e.g. to re-encode a file under another transfer
 * syntax. Values are passed through as raw bytes; values read from Explicit VR Big Endian are
 * swapped to little-endian per their VR (PS3.5 7.3).
 */
import type { DataSet, ParsedElement } from './dataset.js';
import { numericWidth } from './vr.js';
import type { DicomElement } from './writer.js';

/** Byte width of one value that must be swapped between byte orders, by VR. */
function swapWidth(vr: string): number {
  if (vr === 'OW') return 2;
  if (vr === 'OF' || vr === 'OL') return 4;
  if (vr === 'OD' || vr === 'OV') return 8;
  if (vr === 'AT') return 2; // group and element are swapped separately
  return numericWidth(vr) ?? 1;
}

export function swapToLittleEndian(bytes: Uint8Array, width: number): Uint8Array {
  if (width === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  const whole = bytes.length - (bytes.length % width);
  for (let i = 0; i < whole; i += width) {
    for (let k = 0; k < width; k++) out[i + k] = bytes[i + width - 1 - k];
  }
  out.set(bytes.subarray(whole), whole);
  return out;
}

function convertElement(element: ParsedElement): DicomElement {
  const { tag, vr } = element;
  if (element.items !== undefined) return { tag, vr: 'SQ', value: element.items.map((item) => datasetToElements(item)) };
  if (element.encapsulated !== undefined) {
    const { basicOffsetTable, fragments } = element.encapsulated;
    return { tag, vr: 'OB', value: { basicOffsetTable, fragments } };
  }
  const bytes = element.littleEndian ? element.bytes : swapToLittleEndian(element.bytes, swapWidth(vr));
  return { tag, vr, value: bytes };
}

/** All elements of a dataset as writer input (group 0002 excluded). */
export function datasetToElements(dataset: DataSet): DicomElement[] {
  const out: DicomElement[] = [];
  for (const element of dataset.elements.values()) {
    if (element.tag >>> 16 === 0x0002) continue;
    out.push(convertElement(element));
  }
  return out;
}
