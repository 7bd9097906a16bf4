import type { WebSocket } from 'ws';
import { MAX_NOTICE_HISTORY } from '../../protocol/index.js';
import { frameFor, type BufferedEvent } from './event-buffer.js';

const HEAD = '{"type":"notice.history","events":[';
const TAIL = ']}';

/**
 * This boot's last notices, as they were sent (observers' redacted copies included), for the
 * `notice.history` a client gets after a welcome with a fresh snapshot
 * (protocol/messages.ts NoticeHistoryMessage). The event buffer cannot serve: images push
 * notices out of it within seconds.
 *
 * An alarm no one has seen stays in the history however many notices come after it: the history
 * is how a call for help made while no technologist was connected reaches the one who connects
 * next. Kept only among the newest, it was pushed out by any hundred notices after it, which a
 * peer can send: an onsite console checking in and out, a DICOM peer sending images that are
 * refused (a notice each).
 */
export class NoticeHistory {
  private readonly kept: BufferedEvent[] = [];
  /** Alarms gone from `kept` while no one had seen them, oldest first, at most `max`. */
  private held: BufferedEvent[] = [];

  constructor(
    /** The largest message a client accepts (link-limits.ts `sendMessageBytes`). */
    private readonly maxMessageBytes: number,
    private readonly max = MAX_NOTICE_HISTORY,
    /** Whether this notice raised an alarm to hold while no one has seen it (gateway/safety/raised-alarms.ts `isUnseen`). */
    private readonly unseen: (seq: number) => boolean = () => false,
  ) {}

  /** A notice event, once published. */
  add(event: BufferedEvent): void {
    this.kept.push(event);
    if (this.kept.length <= this.max) return;
    const out = this.kept.shift()!;
    if (!this.unseen(out.seq)) return;
    this.held.push(out);
    if (this.held.length > this.max) this.held.shift();
  }

  /**
   * The history as the session with `role` may see it, oldest first, in one message of at most
   * `max` notices: the alarms no one has seen that the newest notices no longer include, then
   * as many of the newest as fit. Made of the events' own frames, which are serialised already.
   */
  messageFor(role: string | null): string {
    this.held = this.held.filter((event) => this.unseen(event.seq));
    const taken: { seq: number; frame: string }[] = [];
    let bytes = HEAD.length + TAIL.length;
    /** False once the message is full. */
    const take = (event: BufferedEvent): boolean => {
      const frame = frameFor(role, event);
      if (typeof frame !== 'string') return true;
      const size = Buffer.byteLength(frame) + 1;
      if (taken.length === this.max || bytes + size > this.maxMessageBytes) return false;
      bytes += size;
      taken.push({ seq: event.seq, frame });
      return true;
    };
    for (let i = this.held.length - 1; i >= 0 && take(this.held[i]!); i--);
    for (let i = this.kept.length - 1; i >= 0 && take(this.kept[i]!); i--);
    taken.sort((a, b) => a.seq - b.seq);
    return HEAD + taken.map((t) => t.frame).join(',') + TAIL;
  }

  sendTo(ws: WebSocket, role: string | null): void {
    if (ws.readyState === ws.OPEN) ws.send(this.messageFor(role));
  }
}
