import type { WebSocket } from 'ws';
import { ErrorCode, MAX_FRAME_BYTES, type AccountLevel, type GatewayMessage, type Participant, type Role } from '../../protocol/index.js';
import { sendEvent, type BufferedEvent } from './event-buffer.js';
import { bytesOver } from './message-size.js';
import type { RosterEntry } from '../../base/common/connection-roster.js';
import type { SendProgress } from './send-progress.js';

export interface ClientSession {
  id: string;
  ws: WebSocket;
  role: Role | null;
  name: string | null;
  /** The credential token of its hello: a reconnect must present the same one to take over. */
  token: string | null;
  connectedAt: string;
  lastSeen: number;
  /** The signed-in account behind the hello (null until greeted). */
  userId?: string | null;
  /** ACR MR level of the account (onsite staff). */
  level?: AccountLevel | null;
  /** The session credential's id: its idle clock restarts while this link is alive. */
  credentialId?: string | null;
  /** Remote address of the socket, for the audit trail and --onsite-from. */
  peer?: string | null;
  /** Handed out in the welcome: with the same user, the next hello may take back this session's control. */
  resumeSecret?: string | null;
  /** The resume secret its hello presented and used, once greeted. */
  resumedWith?: string | null;
  /**
   * It has sent something since its welcome: proof that the welcome reached its client, whose
   * next hello then presents `resumeSecret`. Until then, a welcome lost on the way leaves the
   * client with `resumedWith` only (gateway/auth/resume-secrets.ts `resumes`).
   */
  answered?: boolean;
  /** A hello is being checked (its credential verification is asynchronous). */
  greeting?: boolean;
  /** When the session must have said hello (Date.now() ms; link-limits.ts helloTimeoutMs). */
  helloBy?: number;
  /** Its place among its address's sessions (gateway.ts). */
  rosterEntry?: RosterEntry;
  /** Refused and closing: nothing it sends is handled any more (SessionRegistry.refuse). */
  refused?: boolean;
  /** Whether it takes what is sent to it (send-progress.ts). */
  sendProgress?: SendProgress;
}

/**
 * How long a refused peer has to answer the close (RFC 6455 7.1.1) before its socket is cut.
 * ws would wait 30 s, and a peer that ignores the close would meanwhile keep its socket and its
 * messages coming.
 */
const REFUSED_CLOSE_GRACE_MS = 1000;

/** Close with 1008 (policy violation), `code` as the reason; cut the socket if the peer does not close it in time. */
export function closeRefused(ws: WebSocket, code: string): void {
  ws.close(1008, code);
  const cut = setTimeout(() => ws.terminate(), REFUSED_CLOSE_GRACE_MS);
  cut.unref();
  ws.once('close', () => clearTimeout(cut));
}

/** A greeted session as the snapshot lists it. */
export function participantOf(session: ClientSession): Participant {
  return { sessionId: session.id, name: session.name!, role: session.role!, connectedAt: session.connectedAt };
}

/**
 * Every open link to the gateway, greeted or not, and the ways of talking to them: one client,
 * or every greeted client at once.
 */
export class SessionRegistry {
  private readonly byId = new Map<string, ClientSession>();

  /**
   * `maxMessageBytes`: the largest message sent (link-limits.ts `sendMessageBytes`);
   * `undeliverable` is told of each larger one, which is not sent.
   */
  constructor(
    private readonly maxMessageBytes = MAX_FRAME_BYTES,
    private readonly undeliverable: (session: ClientSession, type: GatewayMessage['type'], bytes: number) => void = () => {},
    /** Told when a session is refused, before its socket has closed. */
    private readonly refused: (session: ClientSession) => void = () => {},
  ) {}

  get size(): number {
    return this.byId.size;
  }

  add(session: ClientSession): void {
    this.byId.set(session.id, session);
  }

  remove(sessionId: string): void {
    this.byId.delete(sessionId);
  }

  get(sessionId: string): ClientSession | undefined {
    return this.byId.get(sessionId);
  }

  values(): IterableIterator<ClientSession> {
    return this.byId.values();
  }

  /** The greeted sessions, as the snapshot lists them. */
  participants(): Participant[] {
    return [...this.byId.values()].filter((s) => s.role !== null).map(participantOf);
  }

  /** One numbered event to every greeted client; the frame was serialised once by the buffer. */
  broadcast(event: BufferedEvent): void {
    for (const session of this.byId.values()) {
      if (session.role !== null && session.ws.readyState === session.ws.OPEN) sendEvent(session.ws, event, session.role);
    }
  }

  /**
   * One message to one client; false when it was not sent. Each piece of state a message carries
   * has its own bound below the frame limit; this check is the net under them. A message over
   * `maxMessageBytes` is not sent (the client would close with 1009, resume, and be sent it
   * again): the client gets a coded error in its place and `undeliverable` is told. `text`: the
   * message already serialised, when the caller had to (to count its bytes).
   */
  send(session: ClientSession, message: GatewayMessage, text = JSON.stringify(message)): boolean {
    if (session.ws.readyState !== session.ws.OPEN) return false;
    if (!this.fits(session, message, text)) return false;
    session.ws.send(text);
    return true;
  }

  /**
   * Whether `message` is within `maxMessageBytes`, checked before anything it reports is done
   * (the hello's control change, handshake.ts). When it is not, `undeliverable` is told and the
   * client gets a coded error in its place.
   */
  fits(session: ClientSession, message: GatewayMessage, text = JSON.stringify(message)): boolean {
    const over = bytesOver(text, this.maxMessageBytes);
    if (over === null) return true;
    this.undeliverable(session, message.type, over);
    if (session.ws.readyState !== session.ws.OPEN) return false;
    const error: GatewayMessage = {
      type: 'error',
      code: ErrorCode.MESSAGE_UNDELIVERABLE,
      message: `the gateway's ${message.type} message is ${over} bytes, over the ${this.maxMessageBytes}-byte limit: not sent`,
    };
    session.ws.send(JSON.stringify(error));
    return false;
  }

  sendError(session: ClientSession, code: string, message: string): void {
    this.send(session, { type: 'error', code, message });
  }

  /**
   * Tell the client why, then close with 1008 (policy violation). The session is over from now:
   * once refused, it is not refused again, and what it sends until its socket closes is not read.
   */
  refuse(session: ClientSession, code: string, reason: string): void {
    if (session.refused) return;
    session.refused = true;
    this.send(session, { type: 'refused', code, reason });
    closeRefused(session.ws, code);
    this.refused(session);
  }
}
