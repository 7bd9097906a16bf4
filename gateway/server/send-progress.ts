import type { Socket } from 'node:net';

/**
 * Bytes waiting for a client (its WebSocket's `bufferedAmount`) up to which it is never counted
 * as not taking them: what a fetched image's catch-up lets wait (catch-up-sender.ts), a few
 * events behind.
 */
const SEND_STALL_FLOOR_BYTES = 1024 * 1024;

/** Marks of what was queued by when (SendProgress.behindMs) kept for one client at most. */
const MAX_MARKS = 64;

/**
 * Whether a client takes what the gateway sends it, from its socket: the bytes handed to the
 * kernel (`bytesWritten` less what still waits in the socket's own queue, `writableLength`) grow
 * only as the client reads, once the kernel's buffers are full.
 *
 * The backlog limit (link-limits.ts `sendBacklogBytes`) counts bytes; a client that reads nothing
 * but keeps pinging was cut only when its queue reached them. What waits for it is mostly shared
 * with every other client (one serialised event, one image's bytes, queued by reference), but each
 * message queued costs some 180 bytes of heap of its own (the frame's head and the queue's
 * entry), more than a small event's own bytes: 60 such clients and a notice of 300 bytes every
 * millisecond held 850 MB of heap after 90 s, each client with under 25 MB queued, and still
 * growing. Counted in time instead, what a client that takes nothing costs is bounded by how
 * fast the gateway sends, whatever the messages' size: the same 60 were cut at 30 s and the heap
 * went back to 37 MB.
 */
export class SendProgress {
  private handedOver: number;
  private takenAt: number;
  /**
   * What had been queued for the client by when (the socket's `bytesWritten`, which counts what
   * still waits in its queue too), a mark a liveness tick while something new waits: the oldest
   * mark not yet wholly taken says how long the oldest byte waiting has waited, at least.
   */
  private readonly marks: { queued: number; at: number; waiting: number }[] = [];

  constructor(
    private readonly socket: Pick<Socket, 'bytesWritten' | 'writableLength'>,
    now: number,
  ) {
    this.handedOver = this.kernelBytes();
    this.takenAt = now;
  }

  /**
   * How long the client has taken nothing while more than SEND_STALL_FLOOR_BYTES waited for it
   * (`waitingBytes`); 0 while it takes, or little waits.
   */
  stalledMs(now: number, waitingBytes: number): number {
    const handedOver = this.kernelBytes();
    if (handedOver !== this.handedOver || waitingBytes <= SEND_STALL_FLOOR_BYTES) {
      this.handedOver = handedOver;
      this.takenAt = now;
      return 0;
    }
    return now - this.takenAt;
  }

  /**
   * How far behind the client is: how long the oldest byte still waiting for it has waited, at
   * least, while more than SEND_STALL_FLOOR_BYTES wait (`waitingBytes`) and no less than when
   * that byte's mark was made; else 0. Called once a liveness tick, which marks what has been
   * queued by `now`. A client catching up is not behind however old what it is taking: a
   * multi-frame object of 150 MB takes a minute over a 20 Mbit/s link, and a cut would only send
   * it again.
   *
   * A client that takes a little at least once every `sendStallMs` is never cut by `stalledMs`,
   * and what waits for it grew until the backlog limit: at a small notice every millisecond, some
   * 430,000 messages of heap of their own before 128 MB. Judged behind in time, it is cut after
   * `sendLagMs` however small the messages are. (On loopback, readers of 40-160 KB/s were still
   * cut by `stalledMs`: Linux wakes a writer only once a large part of its send buffer is free,
   * so the gateway sees their takes tens of seconds apart. Over a real network they need not be.)
   */
  behindMs(now: number, waitingBytes: number): number {
    const taken = this.kernelBytes();
    while (this.marks.length > 0 && this.marks[0]!.queued <= taken) this.marks.shift();
    const first = this.marks[0];
    const behind = first && waitingBytes > SEND_STALL_FLOOR_BYTES && waitingBytes >= first.waiting ? now - first.at : 0;
    const queued = this.socket.bytesWritten;
    // Kept few: the first mark alone makes the judgement; a client that takes nothing and is
    // sent a little every tick, under the floor, must not grow them a tick at a time.
    if (queued > taken && queued > (this.marks.at(-1)?.queued ?? 0) && this.marks.length < MAX_MARKS)
      this.marks.push({ queued, at: now, waiting: waitingBytes });
    return behind;
  }

  /** The gateway's own event loop stood still for `ms`: no client could take anything meanwhile. */
  excuse(ms: number): void {
    this.takenAt += ms;
    for (const mark of this.marks) mark.at += ms;
  }

  private kernelBytes(): number {
    return this.socket.bytesWritten - this.socket.writableLength;
  }
}
