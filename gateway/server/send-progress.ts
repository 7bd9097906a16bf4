import type { Socket } from 'node:net';

/**
 * Bytes waiting for a client (its WebSocket's `bufferedAmount`) up to which it is never counted
 * as not taking them: what a fetched image's catch-up lets wait (catch-up-sender.ts), a few
 * events behind.
 */
const SEND_STALL_FLOOR_BYTES = 1024 * 1024;

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

  /** The gateway's own event loop stood still for `ms`: no client could take anything meanwhile. */
  excuse(ms: number): void {
    this.takenAt += ms;
  }

  private kernelBytes(): number {
    return this.socket.bytesWritten - this.socket.writableLength;
  }
}
