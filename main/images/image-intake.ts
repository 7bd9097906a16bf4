import { codeOf, decodeImageFrame, type ImageFrameHeader } from '../../protocol/index.js';
import { rle as defaultRle, type RleCodec } from '../../native-bridge/index.js';
import type { WorkstationCore } from '../core/workstation-core.js';
import { toPreviewImages } from './preview-image.js';

export type ReceivedImageListener = (header: ImageFrameHeader, part10: Uint8Array) => void;

/**
 * Binary frames from the gateway -> preview images for the renderer. Each frame is taken once
 * (its sequence number is checked against what was already seen, so a replay after a resume
 * shows nothing twice); a frame that fails to decode is reported in the event log with its
 * code and the session carries on.
 */
export function attachImageIntake(core: WorkstationCore, options: { rle?: RleCodec; onReceived?: ReceivedImageListener } = {}): void {
  const rle = options.rle ?? defaultRle;
  core.setImageHandler((frame) => {
    let header: ImageFrameHeader;
    let part10: Uint8Array;
    try {
      ({ header, part10 } = decodeImageFrame(frame));
    } catch (err) {
      core.record({ type: 'image-error', at: new Date().toISOString(), seq: null, code: codeOf(err), message: (err as Error).message });
      return;
    }
    if (!core.noteImageSeq(header.seq)) return;
    try {
      const images = toPreviewImages({ part10, gatewayAt: header.at, imagesInSeries: header.imagesInSeries }, rle);
      options.onReceived?.(header, part10);
      core.record({
        type: 'image',
        at: new Date().toISOString(),
        seq: header.seq,
        sopInstanceUid: header.sopInstanceUid,
        seriesUid: header.seriesUid,
        transferSyntaxUid: header.transferSyntaxUid,
        bytes: part10.length,
        source: header.source,
      });
      for (const image of images) core.emit('image', image);
    } catch (err) {
      core.record({ type: 'image-error', at: new Date().toISOString(), seq: header.seq, code: codeOf(err), message: (err as Error).message });
    }
  });
}
