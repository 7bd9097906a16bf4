/**
 * Buffers for received objects, used again once the object's consumer is done with it.
 *
 * Why: every ArrayBuffer V8 allocates counts as external memory, and each 64 MB of it makes V8
 * start a full (major) collection of the whole heap. At 20 images of 512 KiB a second, a fresh
 * buffer per object meant a major collection every few seconds, which cost the receiver more
 * CPU than receiving (measured with `perf stat` on bench/ingest/scp-only.ts: about two thirds of
 * its CPU time). A buffer handed back (`release`) serves a later object of about its size.
 * Buffers may travel to a worker thread and back (transferred, not copied) in between.
 */
/**
 * A buffer of exactly `length` bytes (not zeroed) that is the object's alone: never a slice of
 * Node's shared pool, so it can be transferred to a worker thread whole and used again.
 */
export function ownBuffer(length: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(length).buffer);
}

export class ObjectBuffers {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    /** Buffers kept for reuse; beyond that, released ones are left to the collector. */
    private readonly keep = 8,
    /** Larger buffers are not kept: objects that size are rare, and holding them costs more than allocating them. */
    private readonly largestKept = 16 * 1024 * 1024,
  ) {}

  /** At least `length` bytes (not zeroed): a released buffer of up to twice that, else a new one of exactly that. */
  take(length: number): Uint8Array {
    const at = this.free.findIndex((buffer) => buffer.byteLength >= length && buffer.byteLength <= 2 * length);
    if (at >= 0) return new Uint8Array(this.free.splice(at, 1)[0]!);
    return ownBuffer(length);
  }

  /** The consumer is done with every view of `buffer`; a later object may overwrite it. */
  release(buffer: ArrayBufferLike): void {
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0 || buffer.byteLength > this.largestKept) return; // detached, or not worth keeping
    if (this.free.includes(buffer)) return;
    this.free.push(buffer);
    if (this.free.length > this.keep) this.free.shift();
  }
}
