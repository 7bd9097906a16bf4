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
  // workstation side
  LINK_DOWN: 'LARMOR_E_LINK_DOWN',
  COMMAND_TIMEOUT: 'LARMOR_E_COMMAND_TIMEOUT',
  IPC_SENDER_REJECTED: 'LARMOR_E_IPC_SENDER_REJECTED',
  IPC_INVALID_PAYLOAD: 'LARMOR_E_IPC_INVALID_PAYLOAD',
  INTERNAL: 'LARMOR_E_INTERNAL',
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
