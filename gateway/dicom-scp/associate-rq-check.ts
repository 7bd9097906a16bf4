/**
 * The structure of an A-ASSOCIATE-RQ, checked before dcmjs-dimse reads it (PS3.8 9.3.2). Its
 * parser is lenient: an item whose length runs past the PDU is cut short, and the request is
 * answered with an A-ASSOCIATE-AC that accepts no presentation context, on which nothing can be
 * sent. The guard (pdu-guard.ts) refuses such a request instead, as the state machine does any
 * invalid PDU in Sta2 (PS3.8 9.2, Evt19: A-ABORT, then the transport closes).
 *
 * Checked: the 68 bytes of fixed fields; every item and sub-item within its parent; exactly one
 * Application Context Item (10H); at least one Presentation Context Item (20H), each with an odd
 * ID not used before (PS3.8 9.3.2.2), exactly one Abstract Syntax (30H) and at least one Transfer
 * Syntax (40H) sub-item; exactly one User Information Item (50H). Items of other types are
 * skipped when their length fits. AE titles of 16 spaces ("no Application Name specified") shall
 * not be used (PS3.8 9.3.2, Table 9-11): the request is rejected, calling or called AE title not
 * recognized, before any allow list (where `*` would otherwise admit it) is asked.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { AbortReason, AbortSource, PDU_HEADER_LENGTH, RejectReason, RejectResult, RejectSource, abort, associateReject } from './upper-layer-pdus.js';

export interface AssociateRqProblem {
  /** The PDU that answers it: an A-ABORT for a malformed request, an A-ASSOCIATE-RJ for an empty AE title. */
  pdu: Buffer;
  code: ErrorCode;
  message: string;
}

/** Protocol-version, reserved, Called-AE-title, Calling-AE-title, reserved (PS3.8 Table 9-11). */
const FIXED_FIELDS_LENGTH = 68;
const CALLED_AE_OFFSET = PDU_HEADER_LENGTH + 4;
const CALLING_AE_OFFSET = CALLED_AE_OFFSET + 16;
/** Item-type, reserved, Item-length (2 bytes, big endian). */
const ITEM_HEADER_LENGTH = 4;
/** Presentation-context-ID and three reserved bytes before its sub-items (PS3.8 Table 9-13). */
const CONTEXT_FIXED_LENGTH = 4;

const ItemType = {
  ApplicationContext: 0x10,
  PresentationContext: 0x20,
  AbstractSyntax: 0x30,
  TransferSyntax: 0x40,
  UserInformation: 0x50,
} as const;

interface Item {
  type: number;
  /** Offset of its value in the PDU. */
  start: number;
  end: number;
}

/** The items between `start` and `end`, or a description of the first one that does not fit. */
function itemsIn(pdu: Buffer, start: number, end: number, what: string): Item[] | string {
  const items: Item[] = [];
  let offset = start;
  while (offset < end) {
    if (end - offset < ITEM_HEADER_LENGTH) return `${end - offset} stray bytes at the end of ${what}`;
    const type = pdu.readUInt8(offset);
    const valueEnd = offset + ITEM_HEADER_LENGTH + pdu.readUInt16BE(offset + 2);
    if (valueEnd > end) {
      return `item 0x${type.toString(16).padStart(2, '0')} of ${what} declares ${valueEnd - offset - ITEM_HEADER_LENGTH} bytes, ${valueEnd - end} past its end`;
    }
    items.push({ type, start: offset + ITEM_HEADER_LENGTH, end: valueEnd });
    offset = valueEnd;
  }
  return items;
}

function malformed(message: string): AssociateRqProblem {
  return { pdu: abort(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue), code: ErrorCode.DICOM_INVALID_PDU, message };
}

function emptyTitle(which: 'calling' | 'called'): AssociateRqProblem {
  return {
    pdu: associateReject(
      RejectResult.Permanent,
      RejectSource.ServiceUser,
      which === 'calling' ? RejectReason.CallingAeNotRecognized : RejectReason.CalledAeNotRecognized,
    ),
    code: ErrorCode.DICOM_INVALID_PDU,
    message: `the ${which} AE title is 16 spaces, which PS3.8 9.3.2 does not allow`,
  };
}

function isBlank(pdu: Buffer, offset: number): boolean {
  return pdu.subarray(offset, offset + 16).every((byte) => byte === 0x20);
}

/** `pdu`: a whole A-ASSOCIATE-RQ, header included, of the length its header declares. Null when it may be negotiated. */
export function checkAssociateRq(pdu: Buffer): AssociateRqProblem | null {
  if (pdu.length < PDU_HEADER_LENGTH + FIXED_FIELDS_LENGTH) {
    return malformed(`A-ASSOCIATE-RQ of ${pdu.length - PDU_HEADER_LENGTH} bytes, shorter than its ${FIXED_FIELDS_LENGTH} bytes of fixed fields`);
  }
  const items = itemsIn(pdu, PDU_HEADER_LENGTH + FIXED_FIELDS_LENGTH, pdu.length, 'the A-ASSOCIATE-RQ');
  if (typeof items === 'string') return malformed(items);
  const count = (type: number) => items.filter((item) => item.type === type).length;
  if (count(ItemType.ApplicationContext) !== 1) return malformed(`${count(ItemType.ApplicationContext)} Application Context Items, not one`);
  if (count(ItemType.UserInformation) !== 1) return malformed(`${count(ItemType.UserInformation)} User Information Items, not one`);
  const contexts = items.filter((item) => item.type === ItemType.PresentationContext);
  if (contexts.length === 0) return malformed('no Presentation Context Item');
  const ids = new Set<number>();
  for (const context of contexts) {
    if (context.end - context.start < CONTEXT_FIXED_LENGTH) return malformed('a Presentation Context Item shorter than its ID and reserved bytes');
    const id = pdu.readUInt8(context.start);
    if (id % 2 === 0 || ids.has(id)) return malformed(`presentation context ID ${id} is ${id % 2 === 0 ? 'even' : 'used twice'}`);
    ids.add(id);
    const subItems = itemsIn(pdu, context.start + CONTEXT_FIXED_LENGTH, context.end, `presentation context ${id}`);
    if (typeof subItems === 'string') return malformed(subItems);
    const abstract = subItems.filter((item) => item.type === ItemType.AbstractSyntax).length;
    const transfer = subItems.filter((item) => item.type === ItemType.TransferSyntax).length;
    if (abstract !== 1 || transfer === 0) {
      return malformed(`presentation context ${id} has ${abstract} Abstract Syntax and ${transfer} Transfer Syntax sub-items`);
    }
  }
  const userInformation = items.find((item) => item.type === ItemType.UserInformation)!;
  const userItems = itemsIn(pdu, userInformation.start, userInformation.end, 'the User Information Item');
  if (typeof userItems === 'string') return malformed(userItems);
  if (isBlank(pdu, CALLING_AE_OFFSET)) return emptyTitle('calling');
  if (isBlank(pdu, CALLED_AE_OFFSET)) return emptyTitle('called');
  return null;
}
