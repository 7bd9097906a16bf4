import { ErrorCode, PROTOCOL_VERSION, type HelloMessage, type ScannerSnapshot } from '../../protocol/index.js';
import type { GatewayContext } from './context.js';
import type { ControlDesk } from './control.js';
import { sendEvent, type BufferedEvent, type EventBuffer } from './event-buffer.js';
import type { ClientSession } from './sessions.js';

export interface HandshakeDeps {
  readonly control: ControlDesk;
  readonly events: EventBuffer;
  /** Random per process: a resume point of another boot means nothing here. */
  readonly bootId: string;
  /** Shared site token; when set, every hello must carry it. */
  readonly token: string | undefined;
  snapshot(): ScannerSnapshot;
}

/**
 * A client's hello: check the site token, give the session its role and name, and welcome it
 * with a snapshot, or with the events it missed when it resumes a link of this boot.
 */
export class Handshake {
  constructor(private readonly ctx: GatewayContext, private readonly deps: HandshakeDeps) {}

  greet(session: ClientSession, hello: HelloMessage): void {
    const { sessions } = this.ctx;
    if (session.role !== null) return sessions.sendError(session, ErrorCode.ALREADY_GREETED, 'this session has already said hello');
    if (this.deps.token !== undefined && hello.credentials.token !== this.deps.token) {
      this.ctx.audit(session, 'hello', 'refused', ErrorCode.UNAUTHENTICATED, { name: hello.credentials.name, role: hello.role });
      return sessions.refuse(session, ErrorCode.UNAUTHENTICATED, 'the site token is missing or wrong');
    }
    session.role = hello.role;
    session.name = hello.credentials.name;
    session.token = hello.credentials.token ?? null;
    this.ctx.audit(session, 'hello', 'accepted', null, { resumeFrom: hello.resumeFrom ?? null, resumeBootId: hello.resumeBootId ?? null });
    // Control changes now, so the welcome's snapshot shows it; what is said about it waits until
    // after the welcome and the replay, or a client that drops pre-welcome events would miss it.
    const arrival = hello.role === 'operator' ? this.deps.control.operatorArrived(session) : [];
    const replay = this.replayFor(hello);
    sessions.send(session, {
      type: 'welcome',
      version: PROTOCOL_VERSION,
      session: { id: session.id, role: hello.role, name: hello.credentials.name },
      bootId: this.deps.bootId,
      heartbeat: { intervalMs: this.ctx.heartbeatIntervalMs },
      policy: this.ctx.policy,
      snapshot: this.deps.snapshot(),
      lastSeq: replay ? (hello.resumeFrom as number) : this.deps.events.lastSeq,
    });
    for (const event of replay ?? []) sendEvent(session.ws, event);
    for (const say of arrival) this.ctx.notice(say.level, say.text);
    this.ctx.publishSnapshot();
  }

  /**
   * The events a resuming client missed, or undefined for a fresh snapshot: none asked for, a
   * gap older than the buffer keeps, or a resume point of another boot (or beyond this boot's
   * numbering), whose numbers mean nothing here.
   */
  private replayFor(hello: HelloMessage): BufferedEvent[] | undefined {
    if (hello.resumeFrom === undefined) return undefined;
    if (hello.resumeBootId !== undefined && hello.resumeBootId !== this.deps.bootId) return undefined;
    if (hello.resumeFrom > this.deps.events.lastSeq) return undefined;
    return this.deps.events.since(hello.resumeFrom);
  }
}
