import { codeOf } from '../../protocol/index.js';
import { readPart10, type DicomFile } from '../../native-bridge/dicom/index.js';
import { DEFAULT_IMAGE_LIMITS, imageCodecs as defaultCodecs, type ImageCodecs, type ImageLimits } from '../../native-bridge/index.js';
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
/** Where an image refused is told; by default, a warning notice to every workstation. */
export type RefusalReport = (refusal: { code: string; message: string }) => void;

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
 * (acceptReceived), a simulated one in the slice render worker (acceptPending), so neither
 * rendering nor RLE encoding holds up the event loop; both are published in the order accepted.
 */
export class ImagePipeline {
  private readonly codecs: ImageCodecs;
  private readonly limits: ImageLimits;
  private readonly transcoders: WorkerPool<Uint8Array, TranscodeAnswer> | undefined;
  /** The last object accepted: the next is published after it (inTurn). */
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
   * objects are published in the order they were accepted. `report`: where a refusal is told,
   * instead of a notice of its own (the receiver folds a peer's refusals, images/index.ts).
   */
  acceptReceived(
    part10: Uint8Array,
    source: ImageSource,
    recycle: (spare: Uint8Array) => void = () => undefined,
    report?: RefusalReport,
  ): Promise<PipelineResult> {
    // A view of part of a buffer (Node's shared pool, say) cannot move without the rest of it:
    // such an object gets a buffer of its own first. The receiver's objects have theirs already.
    const own = part10.byteOffset === 0 && part10.byteLength === part10.buffer.byteLength ? part10 : new Uint8Array(part10);
    // An empty object is no DICOM: refused here, with the code that says so, without a worker's
    // round trip (an object whose buffer already moved to a worker looks empty too).
    const copy: Promise<TranscodeAnswer> =
      this.transcoders && own.byteLength > 0
        ? this.transcoders.run(own, [own.buffer as ArrayBuffer])
        : Promise.resolve().then(() => transcodeAnswer(own, this.codecs, this.limits));
    return this.inTurn(copy, source, null, part10.length, recycle, report);
  }

  /**
   * A workstation copy being made elsewhere (a simulated slice in the slice render worker,
   * simulator-images.ts), published in its turn among everything accepted before it.
   */
  acceptPending(copy: Promise<TranscodeAnswer>, source: ImageSource, imagesInSeries: number | null): Promise<PipelineResult> {
    return this.inTurn(copy, source, imagesInSeries, null, () => undefined);
  }

  /** Objects are published in the order they were accepted, whichever worker finishes first. */
  private inTurn(
    copy: Promise<TranscodeAnswer>,
    source: ImageSource,
    imagesInSeries: number | null,
    bytesIn: number | null,
    recycle: (spare: Uint8Array) => void,
    report?: RefusalReport,
  ): Promise<PipelineResult> {
    const published = this.received.then(() =>
      copy.then((answer) => {
        if (answer.spare) recycle(answer.spare);
        return this.guard(source, () => (answer.ok ? this.publish(answer, source, imagesInSeries, bytesIn ?? answer.bytes.length) : answer), report);
      }),
    );
    this.received = published;
    return published;
  }

  private guard(source: ImageSource, work: () => PipelineResult, report?: RefusalReport): PipelineResult {
    let result: PipelineResult;
    try {
      result = work();
    } catch (err) {
      result = { ok: false, code: codeOf(err), message: (err as Error).message };
    }
    if (result.ok) return result;
    if (report) report(result);
    else this.sink.notice('warning', `image from ${source === 'c-store' ? 'DICOM peer' : 'scanner'} refused: ${result.code}: ${result.message}`);
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
