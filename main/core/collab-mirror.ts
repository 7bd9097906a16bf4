import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  ExamMarks,
  ExamTalk,
  type AckMessage,
  type CollabAction,
  type CollabEventBody,
  type CollabMessage,
  type CollabOutcome,
  type CollabState,
} from '../../protocol/index.js';

/** Chat lines kept for the renderer: a long exam's talk, not the site's whole history. */
const KEEP_CHAT = 500;
/**
 * Pending proposals kept: the gateway holds MAX_PENDING_PROPOSALS_PER_PERSON per person, so this
 * is a full room's worth. Like the marks, bounded here too, so a gateway that sends more than its
 * own limits cannot make the workstation's view, sent whole to the window, grow without end.
 */
const KEEP_PROPOSALS = 200;

export interface CollabMirrorDeps {
  /** Sends on the live link; false when there is none. */
  send(message: CollabMessage): boolean;
  /** Why nothing can be sent now (the link is down), or null. */
  refusal(): { code: string; reason: string } | null;
  /** The view changed: publish the workstation view. */
  changed(): void;
}

/**
 * The workstation's copy of the gateway's collaboration desk (docs/architecture.md
 * "Collaboration"): the `collab.state` catch-up after each welcome, then every sequenced
 * collaboration event applied on top. It also pairs each `collab` action with its `ack`, so the
 * renderer gets the gateway's outcome (a refusal with its code) where it acted.
 */
export class CollabMirror {
  /** The state last handed out by view(), or to be: its chat, proposals, handover and marks are brought up to date as it is. */
  private state: CollabState | null = null;
  /**
   * The exam's chat, pending proposals and handover (protocol/exam-talk.ts), added to in place and
   * copied only when a view is built: a burst of chat lines costs one copy of the chat per view
   * the core emits, not one per line (docs/architecture.md "Pushes to the window").
   */
  private readonly talk = new ExamTalk({ chat: KEEP_CHAT, proposals: KEEP_PROPOSALS });
  /** The exam's marks, within the gateway's own bounds, each once (protocol/exam-marks.ts). */
  private readonly marks = new ExamMarks();
  private readonly pending = new Map<string, { action: CollabAction['name']; resolve: (outcome: CollabOutcome) => void }>();

  constructor(private readonly deps: CollabMirrorDeps) {}

  view(): CollabState | null {
    if (this.state === null) return null;
    const talked = this.talk.view(this.state);
    const marks = this.marks.list();
    // A new object when anything changed: views already handed out are never changed under their holders.
    this.state = talked.marks === marks ? talked : { ...talked, marks };
    return this.state;
  }

  /** The gateway's catch-up after a welcome replaces everything (it is the whole state). */
  reset(state: CollabState): void {
    // Its lists are held by the talk and the marks, within their bounds, not here.
    this.state = { ...state, chat: [], marks: [], proposals: [] };
    this.talk.reset(state);
    this.marks.reset(state.marks);
    this.deps.changed();
  }

  /** Disconnected by the user: nothing of the last site's exam stays on screen. */
  clear(): void {
    this.state = null;
    this.talk.reset({ chat: [], proposals: [], handover: null });
    this.marks.reset([]);
    this.settleAll(ErrorCode.LINK_DOWN, 'disconnected before the gateway answered');
    this.deps.changed();
  }

  /**
   * A new exam: its chat and marks start empty (the gateway keeps chat per exam and clears marks
   * when the exam changes); the new exam's own chat arrives as events.
   */
  examChanged(studyUid: string | null): void {
    if (!this.state) return;
    this.marks.reset([]);
    this.talk.examChanged(studyUid);
    this.deps.changed();
  }

  apply(body: CollabEventBody): void {
    const s = this.state ?? { chat: [], marks: [], proposals: [], handover: null, plans: [] };
    switch (body.kind) {
      case 'chat':
      case 'proposal':
      case 'handover':
        // A replay after a resume may repeat a chat line the catch-up already held.
        if (!this.talk.apply(body)) return;
        this.state = s;
        break;
      case 'mark':
        // A replay after a resume may repeat a mark the catch-up already held.
        if (!this.marks.add(body.mark)) return;
        this.state = s;
        break;
      case 'marks':
        // The event carries the whole set on that image after the change.
        this.marks.replaceImage(body.sopInstanceUid, body.marks);
        this.state = s;
        break;
      case 'plans':
        this.state = { ...s, plans: body.plans };
        break;
    }
    this.deps.changed();
  }

  /** Resolves with the gateway's outcome; refused at once (LINK_DOWN) while the link is down. Never rejects. */
  send(action: CollabAction): Promise<CollabOutcome> {
    const refusal = this.deps.refusal();
    if (refusal) return Promise.resolve(rejected(action.name, refusal.code, refusal.reason));
    const id = `collab_${randomUUID().replaceAll('-', '')}`;
    return new Promise((resolve) => {
      this.pending.set(id, { action: action.name, resolve });
      if (!this.deps.send({ type: 'collab', id, action })) {
        this.pending.delete(id);
        resolve(rejected(action.name, ErrorCode.LINK_DOWN, 'not connected to the gateway: nothing was sent'));
      }
    });
  }

  /** An ack for one of our collab actions settles it; any other ack is not ours (false). */
  acknowledge(ack: AckMessage): boolean {
    const waiting = this.pending.get(ack.id);
    if (!waiting) return false;
    this.pending.delete(ack.id);
    waiting.resolve(
      ack.outcome === 'done'
        ? { action: waiting.action, state: 'done', error: null }
        : rejected(waiting.action, ack.code ?? ErrorCode.INTERNAL, ack.reason ?? 'refused by the gateway'),
    );
    return true;
  }

  /**
   * The link went down with actions unanswered. They are not resent (a chat line twice is worse
   * than once lost): the outcome is unknown, and the catch-up after the reconnect shows what
   * arrived.
   */
  linkLost(reason: string): void {
    this.settleAll(ErrorCode.OUTCOME_UNKNOWN, `link lost before the gateway answered (${reason}): check the chat and marks after the reconnect`);
  }

  private settleAll(code: string, reason: string): void {
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.resolve(rejected(waiting.action, code, reason));
    }
  }
}

function rejected(action: CollabAction['name'], code: string, message: string): CollabOutcome {
  return { action, state: 'rejected', error: { code, message } };
}
