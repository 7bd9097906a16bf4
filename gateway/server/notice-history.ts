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
 */
export class NoticeHistory {
  private readonly kept: BufferedEvent[] = [];

  constructor(
    /** The largest message a client accepts (link-limits.ts `sendMessageBytes`). */
    private readonly maxMessageBytes: number,
    private readonly max = MAX_NOTICE_HISTORY,
  ) {}

  /** A notice event, once published. */
  add(event: BufferedEvent): void {
    this.kept.push(event);
    if (this.kept.length > this.max) this.kept.shift();
  }

  /**
   * The history as the session with `role` may see it, oldest first: the newest notices that fit
   * one message. Made of the events' own frames, which are serialised already.
   */
  messageFor(role: string | null): string {
    const frames: string[] = [];
    let bytes = HEAD.length + TAIL.length;
    for (let i = this.kept.length - 1; i >= 0; i--) {
      const frame = frameFor(role, this.kept[i]!);
      if (typeof frame !== 'string') continue;
      bytes += Buffer.byteLength(frame) + 1;
      if (bytes > this.maxMessageBytes) break;
      frames.push(frame);
    }
    return HEAD + frames.reverse().join(',') + TAIL;
  }

  sendTo(ws: WebSocket, role: string | null): void {
    if (ws.readyState === ws.OPEN) ws.send(this.messageFor(role));
  }
}
