/**
 * Stable error codes. Every refusal or failure that crosses a process boundary (wire, IPC, CLI)
 * carries one of these strings; tests and UIs key on the code, never on the message text.
 * Defined once here (house style: ws's WS_ERR_* codes).
 */
export const ErrorCode = {
  // wire / handshake
  MALFORMED_JSON: 'LARMOR_E_MALFORMED_JSON',
  INVALID_MESSAGE: 'LARMOR_E_INVALID_MESSAGE',
  UNKNOWN_MESSAGE_TYPE: 'LARMOR_E_UNKNOWN_MESSAGE_TYPE',
  VERSION_MISMATCH: 'LARMOR_E_VERSION_MISMATCH',
  FRAME_TOO_LARGE: 'LARMOR_E_FRAME_TOO_LARGE',
  HELLO_REQUIRED: 'LARMOR_E_HELLO_REQUIRED',
  ALREADY_GREETED: 'LARMOR_E_ALREADY_GREETED',
  UNAUTHENTICATED: 'LARMOR_E_UNAUTHENTICATED',
  // roles and control
  ROLE_FORBIDDEN: 'LARMOR_E_ROLE_FORBIDDEN',
  NOT_CONTROL_HOLDER: 'LARMOR_E_NOT_CONTROL_HOLDER',
  // scanner commands
  INVALID_PARAMETER: 'LARMOR_E_INVALID_PARAMETER',
  INVALID_STATE: 'LARMOR_E_INVALID_STATE',
  UNKNOWN_SEQUENCE: 'LARMOR_E_UNKNOWN_SEQUENCE',
  UNKNOWN_PROTOCOL: 'LARMOR_E_UNKNOWN_PROTOCOL',
  NO_EXAM: 'LARMOR_E_NO_EXAM',
  /** Asked for with command.status: the gateway never received the command; it was not applied (and never will be). */
  NOT_APPLIED: 'LARMOR_E_NOT_APPLIED',
  // images
  UNSUPPORTED_TRANSFER_SYNTAX: 'LARMOR_E_IMAGE_UNSUPPORTED_TRANSFER_SYNTAX',
  UNSUPPORTED_IMAGE: 'LARMOR_E_IMAGE_UNSUPPORTED',
  // workstation side
  LINK_DOWN: 'LARMOR_E_LINK_DOWN',
  COMMAND_TIMEOUT: 'LARMOR_E_COMMAND_TIMEOUT',
  IPC_SENDER_REJECTED: 'LARMOR_E_IPC_SENDER_REJECTED',
  IPC_INVALID_PAYLOAD: 'LARMOR_E_IPC_INVALID_PAYLOAD',
  INTERNAL: 'LARMOR_E_INTERNAL',
  // machine policy (set by hospital IT) and verified updates
  POLICY_INVALID: 'LARMOR_E_POLICY_INVALID',
  POLICY_REFUSED: 'LARMOR_E_POLICY_REFUSED',
  UPDATE_REFUSED: 'LARMOR_E_UPDATE_REFUSED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error that carries a stable code across process boundaries. */
export class LarmorError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'LarmorError';
    this.code = code;
  }
}
