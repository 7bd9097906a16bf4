/**
 * The one registry of stable error codes. Every refusal or failure that crosses a process
 * boundary (wire, IPC, CLI, the native addon) carries one of these strings; tests and UIs key on
 * the code, never on the message text (house style: ws's WS_ERR_* codes). One code per meaning.
 *
 * To add a code, append one line to the group it belongs to. The key is how code refers to it;
 * the value is the string that travels. tests/protocol/error-registry.test.ts checks that values
 * are unique and that the C++ addon throws only codes listed here; tests/architecture checks that
 * no `'LARMOR_E_...'` literal is written outside protocol/.
 */
export const ErrorCode = {
  // wire / handshake
  MALFORMED_JSON: 'LARMOR_E_MALFORMED_JSON',
  INVALID_MESSAGE: 'LARMOR_E_INVALID_MESSAGE',
  UNKNOWN_MESSAGE_TYPE: 'LARMOR_E_UNKNOWN_MESSAGE_TYPE',
  VERSION_MISMATCH: 'LARMOR_E_VERSION_MISMATCH',
  FRAME_TOO_LARGE: 'LARMOR_E_FRAME_TOO_LARGE',
  /** The connection sends faster than the gateway's per-connection message rate; the message was dropped. */
  RATE_LIMITED: 'LARMOR_E_RATE_LIMITED',
  /** Too many open connections from this network address. */
  TOO_MANY_CONNECTIONS: 'LARMOR_E_TOO_MANY_CONNECTIONS',
  /** The signed-in account already has the most sessions one account may hold on this gateway. */
  TOO_MANY_SESSIONS: 'LARMOR_E_TOO_MANY_SESSIONS',
  /**
   * A message the gateway made is larger than any client accepts (MAX_FRAME_BYTES): it was not
   * sent, and the gateway audited it. A welcome that large is refused with it.
   */
  MESSAGE_UNDELIVERABLE: 'LARMOR_E_MESSAGE_UNDELIVERABLE',
  /** The client read so much slower than the gateway sent that its unsent backlog passed the limit; the link was cut, to be resumed. */
  SEND_BACKLOG: 'LARMOR_E_SEND_BACKLOG',
  HELLO_REQUIRED: 'LARMOR_E_HELLO_REQUIRED',
  /** The connection said no hello within the gateway's time for it: it was closed, holding no session of its address's share. */
  HELLO_TIMEOUT: 'LARMOR_E_HELLO_TIMEOUT',
  ALREADY_GREETED: 'LARMOR_E_ALREADY_GREETED',
  UNAUTHENTICATED: 'LARMOR_E_UNAUTHENTICATED',
  /** The gateway was asked to listen beyond loopback without a certificate and key. */
  TLS_REQUIRED: 'LARMOR_E_TLS_REQUIRED',
  /** The workstation was given a cleartext ws:// URL for a host that is not loopback. */
  INSECURE_LINK: 'LARMOR_E_INSECURE_LINK',
  // identity: sign-in, session credentials, where a role may come from
  /**
   * Told to the client for both an unknown user and a wrong password, so that sign-in does not
   * reveal which names exist; the audit row keeps the precise UNKNOWN_USER or WRONG_PASSWORD.
   */
  SIGN_IN_FAILED: 'LARMOR_E_SIGN_IN_FAILED',
  UNKNOWN_USER: 'LARMOR_E_UNKNOWN_USER',
  WRONG_PASSWORD: 'LARMOR_E_WRONG_PASSWORD',
  ACCOUNT_DISABLED: 'LARMOR_E_ACCOUNT_DISABLED',
  TOTP_REQUIRED: 'LARMOR_E_TOTP_REQUIRED',
  TOTP_WRONG: 'LARMOR_E_TOTP_WRONG',
  SIGN_IN_THROTTLED: 'LARMOR_E_SIGN_IN_THROTTLED',
  CREDENTIAL_MISSING: 'LARMOR_E_CREDENTIAL_MISSING',
  CREDENTIAL_EXPIRED: 'LARMOR_E_CREDENTIAL_EXPIRED',
  CREDENTIAL_IDLE: 'LARMOR_E_CREDENTIAL_IDLE',
  CREDENTIAL_FORGED: 'LARMOR_E_CREDENTIAL_FORGED',
  CREDENTIAL_WRONG_AUDIENCE: 'LARMOR_E_CREDENTIAL_WRONG_AUDIENCE',
  CREDENTIAL_WRONG_ISSUER: 'LARMOR_E_CREDENTIAL_WRONG_ISSUER',
  RESUME_REPLAYED: 'LARMOR_E_RESUME_REPLAYED',
  ORIGIN_FORBIDDEN: 'LARMOR_E_ORIGIN_FORBIDDEN',
  ONSITE_NETWORK_FORBIDDEN: 'LARMOR_E_ONSITE_NETWORK_FORBIDDEN',
  NO_ACCOUNTS: 'LARMOR_E_NO_ACCOUNTS',
  // roles and control
  ROLE_FORBIDDEN: 'LARMOR_E_ROLE_FORBIDDEN',
  NOT_CONTROL_HOLDER: 'LARMOR_E_NOT_CONTROL_HOLDER',
  // collaboration (protocol/collaboration.ts)
  /** Observers are receive-only: no chat, marks, proposals or handovers. */
  OBSERVER_RECEIVE_ONLY: 'LARMOR_E_OBSERVER_RECEIVE_ONLY',
  /** A mark for an image this gateway never sent, or too many marks on one image or in the exam. */
  MARK_UNKNOWN_IMAGE: 'LARMOR_E_MARK_UNKNOWN_IMAGE',
  MARK_LIMIT: 'LARMOR_E_MARK_LIMIT',
  /** A proposal or handover needs a control holder, and there is none. */
  NO_CONTROL_HOLDER: 'LARMOR_E_NO_CONTROL_HOLDER',
  UNKNOWN_PROPOSAL: 'LARMOR_E_UNKNOWN_PROPOSAL',
  /** The proposer already has MAX_PENDING_PROPOSALS_PER_PERSON waiting for an answer (protocol/collaboration.ts). */
  PROPOSAL_LIMIT: 'LARMOR_E_PROPOSAL_LIMIT',
  UNKNOWN_HANDOVER: 'LARMOR_E_UNKNOWN_HANDOVER',
  // scanner commands
  INVALID_PARAMETER: 'LARMOR_E_INVALID_PARAMETER',
  INVALID_STATE: 'LARMOR_E_INVALID_STATE',
  UNKNOWN_SEQUENCE: 'LARMOR_E_UNKNOWN_SEQUENCE',
  UNKNOWN_PROTOCOL: 'LARMOR_E_UNKNOWN_PROTOCOL',
  /** The exam already holds MAX_EXAM_SEQUENCES sequences, done ones included (protocol/scanner.ts). */
  QUEUE_FULL: 'LARMOR_E_QUEUE_FULL',
  NO_EXAM: 'LARMOR_E_NO_EXAM',
  /** Asked for with command.status: the gateway never received the command; it was not applied (and never will be). */
  NOT_APPLIED: 'LARMOR_E_NOT_APPLIED',
  // safety rules (docs/architecture.md "Safety rules")
  /** Rule 1: nobody is checked in onsite, or their console's link is not alive. */
  ONSITE_NOT_PRESENT: 'LARMOR_E_ONSITE_NOT_PRESENT',
  /** Rule 1: the onsite screening and positioning checklist is not confirmed for this exam. */
  CHECKLIST_INCOMPLETE: 'LARMOR_E_CHECKLIST_INCOMPLETE',
  /** Rule 3: this operator already has an acquisition running. */
  ACQUISITION_ACTIVE: 'LARMOR_E_ACQUISITION_ACTIVE',
  /** Another onsite person is already checked in. */
  ONSITE_ALREADY_PRESENT: 'LARMOR_E_ONSITE_ALREADY_PRESENT',
  /** This onsite action needs the checked-in person (grant, checklist, check-out). */
  NOT_CHECKED_IN: 'LARMOR_E_NOT_CHECKED_IN',
  /** Control can only be granted to a connected operator. */
  NO_SUCH_OPERATOR: 'LARMOR_E_NO_SUCH_OPERATOR',
  /** A signal the gateway will not relay (not in the room, pair may not exchange media, observer sending). */
  SIGNAL_REFUSED: 'LARMOR_E_SIGNAL_REFUSED',
  /** A `media.join` past the call's bounds (protocol/signaling.ts MAX_MEDIA_OBSERVERS, MAX_MEDIA_MEMBERS). */
  MEDIA_ROOM_FULL: 'LARMOR_E_MEDIA_ROOM_FULL',
  // images: the simulator's image builder
  /** The sequence cannot be imaged (e.g. inversion recovery without TI, matrix out of range). */
  IMAGE_INVALID_SEQUENCE: 'LARMOR_E_IMAGE_INVALID_SEQUENCE',
  /** renderSlice() asked for an index outside 0..imagesInSeries-1. */
  IMAGE_SLICE_OUT_OF_RANGE: 'LARMOR_E_IMAGE_SLICE_OUT_OF_RANGE',
  /** The image's declared geometry (rows x columns x frames x bytes) exceeds a configured limit. */
  IMAGE_TOO_LARGE: 'LARMOR_E_IMAGE_TOO_LARGE',
  // images: preview and the DICOM objects behind it
  /** The transfer syntax is not one this reader, writer or preview handles. */
  UNSUPPORTED_TRANSFER_SYNTAX: 'LARMOR_E_DICOM_UNSUPPORTED_TRANSFER_SYNTAX',
  UNSUPPORTED_IMAGE: 'LARMOR_E_IMAGE_UNSUPPORTED',
  // images: the open exam's images held by the gateway (protocol/exam-images.ts)
  /** An image.fetch named an image the gateway does not hold (never received, dropped, or of another exam). */
  IMAGE_NOT_HELD: 'LARMOR_E_IMAGE_NOT_HELD',
  /** The exam's images outgrew the gateway's store: its oldest series were dropped (no longer fetchable). */
  EXAM_IMAGES_DROPPED: 'LARMOR_E_EXAM_IMAGES_DROPPED',
  /** An image could not be written to the gateway's spool of the open exam's images (disk full, no permission): it went out live but is not held for whoever joins. */
  EXAM_IMAGE_NOT_SPOOLED: 'LARMOR_E_EXAM_IMAGE_NOT_SPOOLED',
  // DICOM C-STORE receiver
  /** The received data set could not be parsed (truncated, corrupt, wrong transfer syntax). */
  DICOM_UNREADABLE: 'LARMOR_E_DICOM_UNREADABLE',
  /** The received object is not an image (no Pixel Data, or a non-image SOP class). */
  DICOM_NOT_AN_IMAGE: 'LARMOR_E_DICOM_NOT_AN_IMAGE',
  /** The C-STORE command and the data set disagree (SOP Class / SOP Instance UID). */
  DICOM_UID_MISMATCH: 'LARMOR_E_DICOM_UID_MISMATCH',
  /** A UID in the data set is not a valid UID (PS3.5 9.1): empty, too long, bad characters. */
  DICOM_INVALID_UID: 'LARMOR_E_DICOM_INVALID_UID',
  /** The object exceeds the receiver's size limit. */
  DICOM_TOO_LARGE: 'LARMOR_E_DICOM_TOO_LARGE',
  /** The receiver's onImage handler threw; the peer is told the store failed. */
  DICOM_HANDLER_FAILED: 'LARMOR_E_DICOM_HANDLER_FAILED',
  // DICOM Part 10 reader/writer (native-bridge/dicom)
  /** Not a Part 10 file: no "DICM" prefix at byte 128, or no File Meta Information. */
  DICOM_NOT_PART10: 'LARMOR_E_DICOM_NOT_PART10',
  /** An element header or value runs past the end of the file. */
  DICOM_TRUNCATED: 'LARMOR_E_DICOM_TRUNCATED',
  /** A structure that violates PS3.5 (bad item tag, missing delimiter, odd value). */
  DICOM_MALFORMED: 'LARMOR_E_DICOM_MALFORMED',
  /** A required attribute is missing or has an invalid value. */
  DICOM_MISSING_ATTRIBUTE: 'LARMOR_E_DICOM_MISSING_ATTRIBUTE',
  /** The writer was given a value it cannot encode for the element's VR. */
  DICOM_INVALID_VALUE: 'LARMOR_E_DICOM_INVALID_VALUE',
  /** Pixel Data is absent or its length does not match the image attributes. */
  DICOM_PIXEL_DATA: 'LARMOR_E_DICOM_PIXEL_DATA',
  // DICOM port: refusals at the socket and at association negotiation (PS3.8), before or beside any object
  /** A PDU longer than we advertised (P-DATA-TF, PS3.8 D.1) or than the hard cap (any PDU). */
  DICOM_PDU_TOO_LARGE: 'LARMOR_E_DICOM_PDU_TOO_LARGE',
  /** A PDU type outside PS3.8 9.3.1 (0x01..0x07). */
  DICOM_UNKNOWN_PDU: 'LARMOR_E_DICOM_UNKNOWN_PDU',
  /** A PDU whose fields or items break PS3.8 9.3, e.g. an item running past its PDU or an AE title of spaces. */
  DICOM_INVALID_PDU: 'LARMOR_E_DICOM_INVALID_PDU',
  /** A PDU the state machine does not expect, e.g. data before the A-ASSOCIATE-RQ (PS3.8 9.2). */
  DICOM_UNEXPECTED_PDU: 'LARMOR_E_DICOM_UNEXPECTED_PDU',
  /** All association slots are taken; the peer is told to try again (A-ASSOCIATE-RJ transient). */
  DICOM_TOO_MANY_ASSOCIATIONS: 'LARMOR_E_DICOM_TOO_MANY_ASSOCIATIONS',
  /** No complete A-ASSOCIATE-RQ within the ARTIM timeout (PS3.8 9.1.5). */
  DICOM_ARTIM_EXPIRED: 'LARMOR_E_DICOM_ARTIM_EXPIRED',
  /** An association sent nothing for longer than the idle timeout; it was aborted. */
  DICOM_ASSOCIATION_IDLE: 'LARMOR_E_DICOM_ASSOCIATION_IDLE',
  /** The calling AE title, from this source address, is not on the allow list. */
  DICOM_CALLING_AE_NOT_ALLOWED: 'LARMOR_E_DICOM_CALLING_AE_NOT_ALLOWED',
  /** The called AE title of an A-ASSOCIATE-RQ is not the receiver's: A-ASSOCIATE-RJ, called AE title not recognized (PS3.8 9.3.4). */
  DICOM_CALLED_AE_UNKNOWN: 'LARMOR_E_DICOM_CALLED_AE_UNKNOWN',
  /** dcmjs-dimse gave up on a connection: a PDU it could not read, or a transport error (reset, broken pipe). */
  DICOM_CONNECTION_DROPPED: 'LARMOR_E_DICOM_CONNECTION_DROPPED',
  /** The peer left the receiver's responses unread past a bound and did not read them within the idle timeout: aborted. */
  DICOM_RESPONSES_UNREAD: 'LARMOR_E_DICOM_RESPONSES_UNREAD',
  /** A C-STORE whose Affected SOP Class is not the abstract syntax of the presentation context it came on (PS3.7 9.1.1): 0122H. */
  DICOM_SOP_CLASS_NOT_NEGOTIATED: 'LARMOR_E_DICOM_SOP_CLASS_NOT_NEGOTIATED',
  /** A connection to the DICOM port from an address on no network of the allow list: closed before a byte is read. */
  DICOM_PEER_NOT_ALLOWED: 'LARMOR_E_DICOM_PEER_NOT_ALLOWED',
  /** A TLS handshake on the DICOM port failed (no or untrusted client certificate, not TLS at all). */
  DICOM_TLS_HANDSHAKE: 'LARMOR_E_DICOM_TLS_HANDSHAKE',
  /** The image's patient differs from the open exam's patient (refused, or a warning by policy). */
  DICOM_PATIENT_MISMATCH: 'LARMOR_E_DICOM_PATIENT_MISMATCH',
  // RLE Lossless codec (PS3.5 Annex G), thrown identically by the native addon and the TypeScript fallback
  /** Rows, Columns, Samples per Pixel or Bits Allocated outside what RLE Lossless supports. */
  RLE_INVALID_FRAME_INFO: 'LARMOR_E_RLE_INVALID_FRAME_INFO',
  /** The decoded frame would exceed the codec's size limit (2^31 - 1 bytes). */
  RLE_FRAME_TOO_LARGE: 'LARMOR_E_RLE_FRAME_TOO_LARGE',
  /** The fragment is shorter than the 64-byte RLE header (PS3.5 G.5). */
  RLE_HEADER_TRUNCATED: 'LARMOR_E_RLE_HEADER_TRUNCATED',
  /** Number of segments is not in 1..15 (PS3.5 G.5). */
  RLE_BAD_SEGMENT_COUNT: 'LARMOR_E_RLE_BAD_SEGMENT_COUNT',
  /** Number of segments differs from Samples per Pixel x bytes per sample (PS3.5 G.2). */
  RLE_SEGMENT_COUNT_MISMATCH: 'LARMOR_E_RLE_SEGMENT_COUNT_MISMATCH',
  /** The first segment offset is not 64 (PS3.5 G.5). */
  RLE_BAD_FIRST_OFFSET: 'LARMOR_E_RLE_BAD_FIRST_OFFSET',
  /** A segment offset does not increase or points outside the fragment. */
  RLE_BAD_SEGMENT_OFFSET: 'LARMOR_E_RLE_BAD_SEGMENT_OFFSET',
  /** A run header asks for more bytes than are left in its segment. */
  RLE_RUN_EXCEEDS_SEGMENT: 'LARMOR_E_RLE_RUN_EXCEEDS_SEGMENT',
  /** A run would write past the expected decoded size (Rows x Columns per segment). */
  RLE_RUN_EXCEEDS_OUTPUT: 'LARMOR_E_RLE_RUN_EXCEEDS_OUTPUT',
  /** A segment ended before it produced Rows x Columns bytes. */
  RLE_SEGMENT_TOO_SHORT: 'LARMOR_E_RLE_SEGMENT_TOO_SHORT',
  /** Non-zero bytes follow a segment that already produced Rows x Columns bytes (only 0x00 padding may, PS3.5 G.3.1). */
  RLE_TRAILING_DATA: 'LARMOR_E_RLE_TRAILING_DATA',
  /** encode(): the pixel buffer's length differs from Rows x Columns x Samples x bytes per sample. */
  RLE_INPUT_SIZE_MISMATCH: 'LARMOR_E_RLE_INPUT_SIZE_MISMATCH',
  /** decodeInto(): the target buffer's length differs from the decoded frame size. */
  RLE_OUTPUT_SIZE_MISMATCH: 'LARMOR_E_RLE_OUTPUT_SIZE_MISMATCH',
  // hospital single sign-on (OpenID Connect Core 1.0)
  /** The OpenID Connect config file is missing, not JSON, or fails its schema. */
  OIDC_CONFIG_INVALID: 'LARMOR_E_OIDC_CONFIG_INVALID',
  /** The hospital identity provider could not be reached or its discovery document is unusable. */
  OIDC_PROVIDER_UNREACHABLE: 'LARMOR_E_OIDC_PROVIDER_UNREACHABLE',
  /** return_to is not this gateway's own page nor an allow-listed origin. */
  OIDC_RETURN_TO_FORBIDDEN: 'LARMOR_E_OIDC_RETURN_TO_FORBIDDEN',
  /** The callback names no sign-in this gateway started (unknown, used or expired state, other browser). */
  OIDC_UNKNOWN_SIGN_IN: 'LARMOR_E_OIDC_UNKNOWN_SIGN_IN',
  /** The identity provider answered with an error (the person cancelled, or the provider refused). */
  OIDC_PROVIDER_REFUSED: 'LARMOR_E_OIDC_PROVIDER_REFUSED',
  /** The ID token's signature does not verify against the provider's keys, or it is malformed. */
  OIDC_TOKEN_INVALID: 'LARMOR_E_OIDC_TOKEN_INVALID',
  OIDC_WRONG_ISSUER: 'LARMOR_E_OIDC_WRONG_ISSUER',
  OIDC_WRONG_AUDIENCE: 'LARMOR_E_OIDC_WRONG_AUDIENCE',
  OIDC_TOKEN_EXPIRED: 'LARMOR_E_OIDC_TOKEN_EXPIRED',
  OIDC_NONCE_MISMATCH: 'LARMOR_E_OIDC_NONCE_MISMATCH',
  /** Signed in at the hospital, but none of the person's groups maps to a Larmor role. */
  OIDC_NO_ROLE: 'LARMOR_E_OIDC_NO_ROLE',
  /** The person's groups map to Larmor roles, but not to the one asked for. */
  OIDC_ROLE_NOT_GRANTED: 'LARMOR_E_OIDC_ROLE_NOT_GRANTED',
  /** The person's groups map to Larmor roles, but not to the one asked for. */
  // audit trail (IHE ATNA): tamper evidence and shipping to the site's audit repository
  /** No gateway database in the data directory given to `larmor audit`. */
  AUDIT_NOT_FOUND: 'LARMOR_E_AUDIT_NOT_FOUND',
  /** `larmor audit verify` found a row that does not match the hash chain, or a damaged file. */
  AUDIT_CHAIN_BROKEN: 'LARMOR_E_AUDIT_CHAIN_BROKEN',
  /** An UPDATE or DELETE on the audit table (refused by its triggers). */
  AUDIT_APPEND_ONLY: 'LARMOR_E_AUDIT_APPEND_ONLY',
  /** A bad `larmor audit` or `--audit-syslog` argument. */
  AUDIT_INVALID_ARGUMENT: 'LARMOR_E_AUDIT_INVALID_ARGUMENT',
  // link health and recovery (workstation side)
  LINK_DOWN: 'LARMOR_E_LINK_DOWN',
  COMMAND_TIMEOUT: 'LARMOR_E_COMMAND_TIMEOUT',
  /** The heartbeat went unanswered past the loss threshold (silent cut). */
  HEARTBEAT_LOST: 'LARMOR_E_HEARTBEAT_LOST',
  /**
   * An event or image numbered out of step on a live link (far ahead of the last taken, or back
   * outside a replay): not taken; the link is dropped and resumed from the last number taken.
   */
  EVENT_NUMBER_OUT_OF_STEP: 'LARMOR_E_EVENT_NUMBER_OUT_OF_STEP',
  /** The reconnect budget ran out before the gateway confirmed an in-flight command. */
  RECONNECT_EXHAUSTED: 'LARMOR_E_RECONNECT_EXHAUSTED',
  /** The user disconnected before the gateway confirmed an in-flight command. */
  OUTCOME_UNKNOWN: 'LARMOR_E_OUTCOME_UNKNOWN',
  // workstation journal (main/journal), classified as Signal-Desktop does
  /** The workstation journal could not be opened or written. */
  JOURNAL_CORRUPT: 'LARMOR_E_JOURNAL_CORRUPT',
  JOURNAL_READONLY: 'LARMOR_E_JOURNAL_READONLY',
  JOURNAL_FAILED: 'LARMOR_E_JOURNAL_FAILED',
  /** `larmor record` could not write its output (events.jsonl or an image: disk full, no permission): it stopped, its files closed. */
  RECORD_WRITE_FAILED: 'LARMOR_E_RECORD_WRITE_FAILED',
  // the renderer bridge (IPC gate, browser shell)
  IPC_SENDER_REJECTED: 'LARMOR_E_IPC_SENDER_REJECTED',
  IPC_INVALID_PAYLOAD: 'LARMOR_E_IPC_INVALID_PAYLOAD',
  /** The renderer runs without window.larmor (opened outside the workstation and its browser shell). */
  API_UNAVAILABLE: 'LARMOR_E_API_UNAVAILABLE',
  // anything else
  INTERNAL: 'LARMOR_E_INTERNAL',
  // machine policy (set by hospital IT) and verified updates
  POLICY_INVALID: 'LARMOR_E_POLICY_INVALID',
  /** The session signed out after the machine policy's idle time. */
  IDLE_SIGNED_OUT: 'LARMOR_E_IDLE_SIGNED_OUT',
  POLICY_REFUSED: 'LARMOR_E_POLICY_REFUSED',
  UPDATE_REFUSED: 'LARMOR_E_UPDATE_REFUSED',
  // the desk: several scanners on one workstation (docs/architecture.md "The desk")
  /** A start refused by this workstation: it would hold control of more acquiring scanners than the machine policy allows. */
  DESK_CONCURRENT_ACQUISITIONS: 'LARMOR_E_DESK_CONCURRENT_ACQUISITIONS',
  /** A site or alarm the desk does not have (a stale tile, a site list with the same id twice). */
  DESK_UNKNOWN_SITE: 'LARMOR_E_DESK_UNKNOWN_SITE',
  DESK_UNKNOWN_ALARM: 'LARMOR_E_DESK_UNKNOWN_ALARM',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Refusals of a hello that pass with time: for want of room (the connections one address may
 * hold, the sessions one account may hold), which ends as other sessions do, and an account
 * starting sessions faster than the gateway takes them (RATE_LIMITED). A client reconnecting
 * after a link loss tries again later, where any other refusal would be the same on every
 * attempt.
 */
export const LATER_REFUSALS: ReadonlySet<string> = new Set([ErrorCode.TOO_MANY_CONNECTIONS, ErrorCode.TOO_MANY_SESSIONS, ErrorCode.RATE_LIMITED]);

const KNOWN: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** True for a string that is one of the registry's codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN.has(value);
}

/**
 * The stable code an error carries, or `fallback` when it carries none of ours (a Node errno
 * error, a plain Error, a thrown string). The one place that digs a code out of an unknown error.
 */
export function codeOf(error: unknown, fallback: ErrorCode = ErrorCode.INTERNAL): ErrorCode {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return isErrorCode(code) ? code : fallback;
}

/** A refusal or failure as it travels to a UI: structured, never parsed back out of text. */
export interface CodedError {
  code: ErrorCode;
  message: string;
}

/** The `{code, message}` of any thrown value. */
export function toCodedError(error: unknown, fallback: ErrorCode = ErrorCode.INTERNAL): CodedError {
  return { code: codeOf(error, fallback), message: error instanceof Error ? error.message : String(error) };
}

/** An error that carries a stable code across process boundaries. */
export class LarmorError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'LarmorError';
    this.code = code;
  }
}
