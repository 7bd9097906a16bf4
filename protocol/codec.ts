import { ErrorCode } from './errors.js';
import { CLIENT_MESSAGE_TYPES, ClientMessage, GatewayMessage } from './messages.js';
import { PROTOCOL_VERSION } from './version.js';

export type Decoded<T> = { ok: true; message: T } | { ok: false; code: ErrorCode; message: string };

function fail(code: ErrorCode, message: string): { ok: false; code: ErrorCode; message: string } {
  return { ok: false, code, message };
}

/**
 * Parse and validate one client text frame. Distinguishes malformed JSON, an unknown type, a
 * wrong protocol version and a schema violation, so each gets its own stable error code.
 */
export function decodeClientMessage(text: string): Decoded<ClientMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(ErrorCode.MALFORMED_JSON, 'frame is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(ErrorCode.INVALID_MESSAGE, 'frame must be a JSON object');
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !CLIENT_MESSAGE_TYPES.includes(type)) {
    return fail(ErrorCode.UNKNOWN_MESSAGE_TYPE, `unknown message type ${JSON.stringify(type)}`);
  }
  if (type === 'hello') {
    const version = (raw as { version?: unknown }).version;
    if (version !== PROTOCOL_VERSION) {
      return fail(ErrorCode.VERSION_MISMATCH, `protocol version ${String(version)} not supported; gateway speaks ${PROTOCOL_VERSION}`);
    }
  }
  const parsed = ClientMessage.safeParse(raw);
  if (!parsed.success) {
    // command.status is a lookup: a bad id list is a malformed message, not a bad scanner parameter.
    const code = type === 'command' || type === 'onsite' ? ErrorCode.INVALID_PARAMETER : ErrorCode.INVALID_MESSAGE;
    return fail(code, describeIssues(parsed.error.issues));
  }
  return { ok: true, message: parsed.data };
}

/** Parse and validate one gateway text frame (workstation side). */
export function decodeGatewayMessage(text: string): Decoded<GatewayMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(ErrorCode.MALFORMED_JSON, 'frame is not valid JSON');
  }
  const parsed = GatewayMessage.safeParse(raw);
  if (!parsed.success) return fail(ErrorCode.INVALID_MESSAGE, describeIssues(parsed.error.issues));
  return { ok: true, message: parsed.data };
}

export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
