import type { WebSocket } from 'ws';
import type { AccountLevel, GatewayMessage, Participant, Role } from '../../protocol/index.js';
import { sendEvent, type BufferedEvent } from './event-buffer.js';

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
  /** A hello is being checked (its credential verification is asynchronous). */
  greeting?: boolean;
}

/**
 * Every open link to the gateway, greeted or not, and the ways of talking to them: one client,
 * or every greeted client at once.
 */
export class SessionRegistry {
  private readonly byId = new Map<string, ClientSession>();

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
    return [...this.byId.values()].filter((s) => s.role !== null).map((s) => ({ sessionId: s.id, name: s.name!, role: s.role!, connectedAt: s.connectedAt }));
  }

  /** One numbered event to every greeted client; the frame was serialised once by the buffer. */
  broadcast(event: BufferedEvent): void {
    for (const session of this.byId.values()) {
      if (session.role !== null && session.ws.readyState === session.ws.OPEN) sendEvent(session.ws, event, session.role);
    }
  }

  send(session: ClientSession, message: GatewayMessage): void {
    if (session.ws.readyState === session.ws.OPEN) session.ws.send(JSON.stringify(message));
  }

  sendError(session: ClientSession, code: string, message: string): void {
    this.send(session, { type: 'error', code, message });
  }

  /** Tell the client why, then close with 1008 (policy violation). */
  refuse(session: ClientSession, code: string, reason: string): void {
    this.send(session, { type: 'refused', code, reason });
    session.ws.close(1008, code);
  }
}
