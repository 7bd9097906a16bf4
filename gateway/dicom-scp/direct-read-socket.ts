/**
 * A plain TCP connection of the storage port, taken over so that each read lands where the
 * bytes are to stay (pdu-guard.ts readBuffer()): an image's data set is read by the kernel
 * straight into the Part 10 file being built, as storescp reads into its own buffer. A socket
 * stream would instead allocate a new 64 KiB buffer per read, to be copied from and collected:
 * for a stream of images that was most of the receiver's time.
 *
 * Node offers reads into a caller's buffer (the `onread` option, node:net) only to sockets it
 * creates itself, not to those a server accepts. So the server is created with
 * `pauseOnConnect` (the accepted socket never reads), and its handle moves to a socket made with
 * `onread`; the accepted socket, left without a handle, is destroyed when its successor closes,
 * so the server's connection count stays right. `_handle` is not public: where it is missing
 * (another runtime, TLS sockets), `takeOver` returns null and the caller reads the accepted
 * socket as a stream.
 */
import { Socket } from 'node:net';

export interface DirectReads {
  /** The buffer the next read goes to (called after every read; the first read goes to a small buffer of takeOver's). */
  next(): Uint8Array;
  /** `bytes` (a prefix of the buffer `next` returned) were read. */
  received(bytes: Uint8Array): void;
}

const FIRST_READ_BYTES = 64;

interface SocketWithHandle {
  _handle?: { readStart?: unknown } | null;
}

export function takeOver(accepted: Socket, reads: DirectReads): Socket | null {
  const handle = (accepted as unknown as SocketWithHandle)._handle;
  if (!handle || typeof handle.readStart !== 'function') return null;
  (accepted as unknown as SocketWithHandle)._handle = null;
  // Node asks for the first buffer while the socket is being made, before the caller can have
  // set up what `reads` reads into; the first read (the peer's first bytes) goes here instead.
  let made = false;
  const first = new Uint8Array(FIRST_READ_BYTES); // its own memory, not a slice of Buffer's pool
  const socket = new Socket({
    handle,
    onread: {
      buffer: () => (made ? reads.next() : first),
      callback: (bytes: number, buffer: Uint8Array) => {
        reads.received(buffer.subarray(0, bytes));
      },
    },
  } as ConstructorParameters<typeof Socket>[0]);
  made = true;
  socket.once('close', () => accepted.destroy());
  return socket;
}
