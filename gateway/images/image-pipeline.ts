import { codeOf, ErrorCode, LarmorError } from '../../protocol/index.js';
import {
  Tag,
  TransferSyntax,
  datasetToElements,
  encapsulateFrames,
  imageInfo,
  pixelDataFrames,
  readPart10,
  writePart10,
  type DicomElement,
  type DicomFile,
  type ImageInfo,
} from '../../native-bridge/dicom/index.js';
import {
  DEFAULT_IMAGE_LIMITS,
  checkImageLimits,
  imageCodecs as defaultCodecs,
  requirePixelData,
  type ImageCodecs,
  type ImageLimits,
} from '../../native-bridge/index.js';

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
}

/**
 * One path for every image, from the simulator or a C-STORE peer, to every workstation:
 * validate, compress with RLE Lossless when that makes the image smaller (PS3.5 Annex G),
 * then publish as a numbered binary frame. A bad object is refused with a code and a notice
 * that every workstation shows; the images before and after it are unaffected.
 *
 * Each object is parsed once: a received one arrives parsed from the C-STORE receiver
 * (acceptParsed), a simulated one arrives as elements and is serialised once (acceptElements).
 */
export class ImagePipeline {
  private readonly codecs: ImageCodecs;
  private readonly limits: ImageLimits;

  constructor(
    private readonly sink: ImageSink,
    codecs: ImageCodecs = defaultCodecs,
    options: ImagePipelineOptions = {},
  ) {
    this.codecs = codecs;
    this.limits = options.limits ?? DEFAULT_IMAGE_LIMITS;
  }

  /** Part 10 bytes from anywhere (tests, tools): parsed here, once. */
  accept(part10: Uint8Array, source: ImageSource, imagesInSeries: number | null = null): PipelineResult {
    return this.guard(source, () => this.forward(readPart10(part10), part10, source, imagesInSeries));
  }

  /** An object the C-STORE receiver has already parsed; `part10` is the same object's bytes. */
  acceptParsed(file: DicomFile, part10: Uint8Array, source: ImageSource, imagesInSeries: number | null = null): PipelineResult {
    return this.guard(source, () => this.forward(file, part10, source, imagesInSeries));
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
    const sopInstanceUid = file.dataset.string(Tag.SOPInstanceUID);
    const seriesUid = file.dataset.string(0x0020000e);
    requirePixelData(file.dataset);
    if (!sopInstanceUid || !seriesUid) throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, 'the image lacks its SOP Instance or Series Instance UID');
    const info = imageInfo(file.dataset);
    // Before any frame is decoded or encoded: the declared size against the gateway's caps.
    checkImageLimits(info, this.limits);
    const out = this.transcode(file, info, part10);
    this.sink.publishImage({ source, transferSyntaxUid: out.transferSyntaxUid, sopInstanceUid, seriesUid, imagesInSeries }, out.bytes);
    return { ok: true, transferSyntaxUid: out.transferSyntaxUid, bytesIn: part10.length, bytesOut: out.bytes.length };
  }

  /** RLE-encode native pixel data when smaller; pass RLE through; refuse what no workstation decodes. */
  private transcode(file: DicomFile, info: ImageInfo, part10: Uint8Array): { bytes: Uint8Array; transferSyntaxUid: string } {
    const ts = file.transferSyntaxUid;
    const codec = this.codecs.codecFor(ts); // the registry refuses any transfer syntax it does not know
    const frames = pixelDataFrames(file);
    if (codec.encapsulated !== frames.encapsulated) throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, `Pixel Data encapsulation does not match ${ts}`);
    if (ts === TransferSyntax.RLELossless) return { bytes: part10, transferSyntaxUid: ts }; // RLE content is checked where decoded
    const bigEndian = ts === TransferSyntax.ExplicitVRBigEndian;
    const rleEncodable = [8, 16, 32].includes(info.bitsAllocated) && (info.samplesPerPixel === 1 || info.samplesPerPixel === 3);
    if (!rleEncodable) {
      if (bigEndian) throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, `${info.bitsAllocated}-bit big-endian pixel data is not supported`);
      return { bytes: part10, transferSyntaxUid: ts };
    }
    const encoded = frames.frames.map((frame) => this.codecs.encodeFrame(TransferSyntax.RLELossless, codec.decodeFrame(frame, info), info));
    const nativeBytes = frames.frames.reduce((n, f) => n + (f as Uint8Array).length, 0);
    const rleBytes = encoded.reduce((n, f) => n + f.length, 0);
    if (rleBytes >= nativeBytes && !bigEndian) return { bytes: part10, transferSyntaxUid: ts };
    const elements = datasetToElements(file.dataset).filter((e) => e.tag !== Tag.PixelData && e.tag !== Tag.ExtendedOffsetTable && e.tag >>> 16 !== 0x0002);
    elements.push({ tag: Tag.PixelData, vr: 'OB', value: encapsulateFrames(encoded) });
    return { bytes: writePart10({ transferSyntaxUid: TransferSyntax.RLELossless, elements }), transferSyntaxUid: TransferSyntax.RLELossless };
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
