/**
 * DIMSE command sets (PS3.7 9.3 and Annex E): always Implicit VR Little Endian, group 0000 only.
 * The receiver reads the few fields of a C-STORE-RQ / C-ECHO-RQ it needs and writes the
 * matching response; nothing else of DIMSE is spoken on the storage port.
 */

/** Command Field (0000,0100) values (PS3.7 E.1). */
export const CommandField = {
  CStoreRq: 0x0001,
  CStoreRsp: 0x8001,
  CEchoRq: 0x0030,
  CEchoRsp: 0x8030,
} as const;

/** Command Data Set Type (0000,0800): this value means "no data set follows" (PS3.7 E.1). */
const NO_DATA_SET = 0x0101;

/** Status "Refused: unrecognized operation" (PS3.7 C.5.2). */
export const STATUS_UNRECOGNIZED_OPERATION = 0x0211;

export interface DimseCommand {
  commandField: number;
  messageId: number;
  /** True when a data set follows in data PDVs (Command Data Set Type other than 0101H). */
  hasDataSet: boolean;
  affectedSopClassUid: string;
  affectedSopInstanceUid: string;
}

/** Thrown for a command set that cannot be read: the association is aborted. */
export class MalformedCommand extends Error {}

const latin1 = new TextDecoder('latin1');

/** UI values are padded with NUL, other strings with spaces (PS3.5 6.2). */
function text(bytes: Uint8Array): string {
  return latin1.decode(bytes).replace(/[\0 ]+$/, '');
}

export function readCommand(bytes: Uint8Array): DimseCommand {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let commandField: number | null = null;
  let messageId: number | null = null;
  let dataSetType: number | null = null;
  let sopClass = '';
  let sopInstance = '';
  for (let pos = 0; pos < bytes.length;) {
    if (pos + 8 > bytes.length) throw new MalformedCommand(`command set ends inside an element header at byte ${pos}`);
    const group = view.getUint16(pos, true);
    const element = view.getUint16(pos + 2, true);
    const length = view.getUint32(pos + 4, true);
    const start = pos + 8;
    if (group !== 0x0000)
      throw new MalformedCommand(
        `command set holds element (${group.toString(16).padStart(4, '0')},${element.toString(16).padStart(4, '0')}) outside group 0000`,
      );
    if (start + length > bytes.length)
      throw new MalformedCommand(`element (0000,${element.toString(16).padStart(4, '0')}) of ${length} bytes runs past the command set`);
    const value = bytes.subarray(start, start + length);
    const us = () => {
      if (length !== 2) throw new MalformedCommand(`element (0000,${element.toString(16).padStart(4, '0')}) is US but ${length} bytes long`);
      return view.getUint16(start, true);
    };
    if (element === 0x0100) commandField = us();
    else if (element === 0x0110) messageId = us();
    else if (element === 0x0800) dataSetType = us();
    else if (element === 0x0002) sopClass = text(value);
    else if (element === 0x1000) sopInstance = text(value);
    pos = start + length;
  }
  if (commandField === null || messageId === null || dataSetType === null)
    throw new MalformedCommand('command set lacks Command Field, Message ID or Command Data Set Type');
  return { commandField, messageId, hasDataSet: dataSetType !== NO_DATA_SET, affectedSopClassUid: sopClass, affectedSopInstanceUid: sopInstance };
}

export interface DimseResponse {
  commandField: number;
  respondingTo: number;
  status: number;
  affectedSopClassUid: string;
  affectedSopInstanceUid?: string;
  /** Error Comment (0000,0902), at most 64 characters (PS3.7 C.4.2.1.3). */
  errorComment?: string;
}

function element(tag: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + value.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0x0000, true);
  view.setUint16(2, tag, true);
  view.setUint32(4, value.length, true);
  out.set(value, 8);
  return out;
}

function us(value: number): Uint8Array {
  return new Uint8Array([value & 0xff, value >>> 8]);
}

function padded(value: string, pad: number): Uint8Array {
  const bytes = new Uint8Array(value.length + (value.length % 2)).fill(pad);
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i) & 0xff;
  return bytes;
}

/** A response command set, elements in ascending tag order after the group length (PS3.7 6.3.1). */
export function writeResponse(response: DimseResponse): Uint8Array {
  const elements = [
    element(0x0002, padded(response.affectedSopClassUid, 0x00)),
    element(0x0100, us(response.commandField)),
    element(0x0120, us(response.respondingTo)),
    element(0x0800, us(NO_DATA_SET)),
    element(0x0900, us(response.status)),
    ...(response.errorComment ? [element(0x0902, padded(response.errorComment.slice(0, 64), 0x20))] : []),
    ...(response.affectedSopInstanceUid ? [element(0x1000, padded(response.affectedSopInstanceUid, 0x00))] : []),
  ];
  const length = elements.reduce((n, e) => n + e.length, 0);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, length, true);
  const out = new Uint8Array(12 + length);
  out.set(element(0x0000, groupLength), 0);
  let pos = 12;
  for (const e of elements) {
    out.set(e, pos);
    pos += e.length;
  }
  return out;
}
