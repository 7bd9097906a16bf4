/**
 * Image decoding off the event loop: worker threads (base/node/worker-pool.ts) each running the
 * pure intake (decode-worker.ts), so that heartbeats, commands and the UI bridge are never
 * delayed by an image however large. Results come back as promises, which the core applies in
 * arrival order.
 */
import { availableParallelism } from 'node:os';
import { createWorkerPool } from '../../base/node/worker-pool.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ImageLimits } from '../../native-bridge/index.js';
import type { ImageDecodeResult } from '../core/workstation-core.js';

/**
 * Workers for a workstation's decode pool: two where the machine has three cores or more, else
 * one. A series arrives at once when its sequence ends; two workers decoded a burst of 20
 * 512x512 frames 1.4-1.6x sooner even on two cores (bench/decode-burst, README "Images under
 * load"). On two cores the one left is kept for the renderer, the call's video and the main
 * process. The cap at two is a choice, not a measurement: those need cores on any machine.
 */
export function decodeWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.min(2, cores - 1));
}

export interface DecodePool {
  /** Workers in the pool: how many frames it decodes at once. */
  readonly size: number;
  /** Resolves once every worker has loaded (frames sent earlier wait in its queue). */
  readonly ready: Promise<void>;
  decode(frame: Uint8Array): Promise<ImageDecodeResult>;
  close(): Promise<void>;
}

export function createDecodePool(options: { size?: number; limits?: ImageLimits } = {}): DecodePool {
  const size = options.size ?? decodeWorkers();
  const pool = createWorkerPool<Uint8Array, ImageDecodeResult>({
    module: new URL('./decode-worker', import.meta.url),
    size,
    workerData: { limits: options.limits },
    failed: (why) => ({ ok: false, seq: null, code: ErrorCode.INTERNAL, message: `image decoder failed: ${why}` }),
  });
  return { size, ready: pool.ready, decode: (frame) => pool.run(frame, ownsItsMemory(frame) ? [frame.buffer as ArrayBuffer] : []), close: () => pool.close() };
}

/**
 * Whether the frame's memory is all its own, so that it can move to the worker instead of being
 * copied there on the event loop (a structured clone of an 80 MiB object held it for as long as
 * the copy took). A WebSocket message and a reassembled image are; a view into a larger buffer
 * (a pooled Buffer, part of another message) is copied, and what it shares stays untouched.
 */
function ownsItsMemory(frame: Uint8Array): boolean {
  return frame.buffer instanceof ArrayBuffer && frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength;
}
