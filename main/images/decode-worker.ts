/**
 * One decoding thread of the image decode pool: runs the pure intake on each frame it is given
 * and hands the preview images back, their pixel buffers transferred rather than copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ImageLimits } from '../../native-bridge/index.js';
import { intakeImageFrame } from './image-intake.js';

const limits = (workerData as { limits?: ImageLimits } | undefined)?.limits;

// Loaded: frames posted before this were queued by the port and are handled now.
parentPort?.postMessage({ ready: true });

parentPort?.on('message', (message: { id: number; frame: Uint8Array }) => {
  const result = intakeImageFrame(message.frame, { limits });
  const buffers: ArrayBuffer[] = result.ok ? [...result.images.map((image) => image.pixels), result.part10.buffer as ArrayBuffer] : [];
  const transfer = buffers.filter((buffer, i) => buffers.indexOf(buffer) === i);
  try {
    parentPort!.postMessage({ id: message.id, result }, transfer);
  } catch {
    // A buffer that cannot be transferred (e.g. external memory) is copied instead.
    parentPort!.postMessage({ id: message.id, result });
  }
});
