import { codeOf, ErrorCode, LarmorError } from '../../protocol/index.js';
import {
  Tag,
  TransferSyntax,
  encapsulateFrames,
  readPart10,
  writePart10,
  type DicomElement,
  type DicomFile,
  type ImageInfo,
} from '../../native-bridge/dicom/index.js';
import { DEFAULT_IMAGE_LIMITS, checkImageLimits, imageCodecs as defaultCodecs, type ImageCodecs, type ImageLimits } from '../../native-bridge/index.js';
import type { WorkerPool } from '../../base/node/worker-pool.js';
import { transcodeAnswer, workstationCopy, type TranscodeAnswer, type WorkstationCopy } from './workstation-copy.js';

export type ImageSource = 'simulator' | 'c-store';

export interface ImageSink {
  publishImage(
    header: { source: ImageSource; transferSyntaxUid: string; sopInstanceUid: string; seriesUid: string; imagesInSeries: number | null },
    part10: Uint8Array,
  ): void;
  notice(level: 'info' | 'warning' | 'alarm', text: string): void;
}

export type PipelineResult = { ok: true; transferSyntaxUid: string; bytesIn: number; bytesOut: number } | { ok: false; code: string; message: string };

export interface ImagePipelineOptions {
  /** Decoded-size caps checked from the attributes before anything is decoded or encoded. */
  limits?: ImageLimits;
  /**
   * Worker threads that make received objects' workstation copies (transcode-worker.ts), for
   * acceptReceived; without one, it works on the event loop.
   */
  transcoders?: WorkerPool<Uint8Array, TranscodeAnswer>;
}

/**
 * One path for every image, from the simulator or a C-STORE peer, to every workstation:
 * validate, compress with RLE Lossless when that makes the image smaller (PS3.5 Annex G),
 * then publish as a numbered binary frame. A bad object is refused with a code and a notice
 * that every workstation shows; the images before and after it are unaffected.
 *
 * A received object is made into its workstation copy in the transcode pool's workers
 * (acceptReceived), so RLE encoding never holds up the event loop; a simulated one arrives as
 * elements and is encoded and serialised once (acceptElements).
 */
export class ImagePipeline {
  private readonly codecs: ImageCodecs;
  private readonly limits: ImageLimits;
  private readonly transcoders: WorkerPool<Uint8Array, TranscodeAnswer> | undefined;
  /** Received objects are published in the order they arrived, whichever worker finishes first. */
  private received: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sink: ImageSink,
    codecs: ImageCodecs = defaultCodecs,
    options: ImagePipelineOptions = {},
  ) {
    this.codecs = codecs;
    this.limits = options.limits ?? DEFAULT_IMAGE_LIMITS;
    this.transcoders = options.transcoders;
  }

  /** Part 10 bytes from anywhere (tests, tools): parsed here, once. */
  accept(part10: Uint8Array, source: ImageSource, imagesInSeries: number | null = null): PipelineResult {
    return this.guard(source, () => this.forward(readPart10(part10), part10, source, imagesInSeries));
  }

  /**
   * A received object, made into its workstation copy by the transcode pool when there is one:
   * its buffer moves to a worker (the caller must not use it afterwards) and, when the copy
   * does not need it, comes back through `recycle`. Resolves once published, or refused;
   * objects are published in the order they were accepted.
   */
  acceptReceived(part10: Uint8Array, source: ImageSource, recycle: (spare: Uint8Array) => void = () => undefined): Promise<PipelineResult> {
    const bytesIn = part10.length;
    // A view of part of a buffer (Node's shared pool, say) cannot move without the rest of it:
    // such an object gets a buffer of its own first. The receiver's objects have theirs already.
    const own = part10.byteOffset === 0 && part10.byteLength === part10.buffer.byteLength ? part10 : new Uint8Array(part10);
    const copy: Promise<TranscodeAnswer> = this.transcoders
      ? this.transcoders.run(own, [own.buffer as ArrayBuffer])
      : Promise.resolve().then(() => transcodeAnswer(own, this.codecs, this.limits));
    const published = this.received.then(() =>
      copy.then((answer) => {
        if (answer.spare) recycle(answer.spare);
        return this.guard(source, () => (answer.ok ? this.publish(answer, source, null, bytesIn) : answer));
      }),
    );
    this.received = published;
    return published;
  }

  /** A simulated image as writer input (native little-endian Pixel Data): encoded and written once. */
  acceptElements(elements: ReadonlyArray<DicomElement>, source: ImageSource, imagesInSeries: number | null = null): PipelineResult {
    return this.guard(source, () => {
      const get = (tag: number) => elements.find((e) => e.tag === tag)?.value;
      const sopInstanceUid = get(Tag.SOPInstanceUID);
      const seriesUid = get(0x0020000e);
      const pixels = get(Tag.PixelData);
      if (pixels === undefined) throw new LarmorError(ErrorCode.DICOM_NOT_AN_IMAGE, 'the simulated image has no Pixel Data (7FE0,0010): not an image');
      if (typeof sopInstanceUid !== 'string' || typeof seriesUid !== 'string' || !ArrayBuffer.isView(pixels)) {
        throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, 'the simulated image lacks its UIDs or native Pixel Data');
      }
      const info = elementsImageInfo(elements);
      checkImageLimits(info, this.limits);
      const native = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
      const encoded = this.codecs.encodeFrame(TransferSyntax.RLELossless, native, info);
      const useRle = encoded.length < native.length;
      const transferSyntaxUid = useRle ? TransferSyntax.RLELossless : TransferSyntax.ExplicitVRLittleEndian;
      const out = useRle
        ? elements.map((e) => (e.tag === Tag.PixelData ? { tag: Tag.PixelData, vr: 'OB', value: encapsulateFrames([encoded]) } : e))
        : elements;
      const bytes = writePart10({ transferSyntaxUid, elements: out });
      this.sink.publishImage({ source, transferSyntaxUid, sopInstanceUid, seriesUid, imagesInSeries }, bytes);
      return { ok: true, transferSyntaxUid, bytesIn: native.length, bytesOut: bytes.length };
    });
  }

  private guard(source: ImageSource, work: () => PipelineResult): PipelineResult {
    let result: PipelineResult;
    try {
      result = work();
    } catch (err) {
      result = { ok: false, code: codeOf(err), message: (err as Error).message };
    }
    if (!result.ok) this.sink.notice('warning', `image from ${source === 'c-store' ? 'DICOM peer' : 'scanner'} refused: ${result.code}: ${result.message}`);
    return result;
  }

  private forward(file: DicomFile, part10: Uint8Array, source: ImageSource, imagesInSeries: number | null): PipelineResult {
    return this.publish(workstationCopy(file, part10, this.codecs, this.limits), source, imagesInSeries, part10.length);
  }

  private publish(copy: WorkstationCopy, source: ImageSource, imagesInSeries: number | null, bytesIn: number): PipelineResult {
    const { transferSyntaxUid, sopInstanceUid, seriesUid, bytes } = copy;
    this.sink.publishImage({ source, transferSyntaxUid, sopInstanceUid, seriesUid, imagesInSeries }, bytes);
    return { ok: true, transferSyntaxUid, bytesIn, bytesOut: bytes.length };
  }
}

/** Image Pixel attributes of writer input (the simulator's), as imageInfo() reads them from a parsed file. */
function elementsImageInfo(elements: ReadonlyArray<DicomElement>): ImageInfo {
  const num = (tag: number, fallback?: number): number => {
    const value = elements.find((e) => e.tag === tag)?.value;
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    if (Number.isInteger(n) && n > 0) return n;
    if (fallback !== undefined) return fallback;
    throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, `attribute (${(tag >>> 16).toString(16)},${(tag & 0xffff).toString(16)}) is missing or invalid`);
  };
  return {
    rows: num(Tag.Rows),
    columns: num(Tag.Columns),
    samplesPerPixel: num(Tag.SamplesPerPixel),
    bitsAllocated: num(Tag.BitsAllocated),
    planarConfiguration: 0,
    numberOfFrames: num(Tag.NumberOfFrames, 1),
  };
}
