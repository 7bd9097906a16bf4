import { codeOf, ErrorCode, LarmorError } from '../../protocol/index.js';
import {
  Tag,
  TransferSyntax,
  datasetToElements,
  encapsulateFrames,
  imageInfo,
  pixelDataFrames,
  readPart10,
  swapToLittleEndian,
  writePart10,
  type DicomFile,
} from '../../native-bridge/dicom/index.js';
import { rle as defaultRle, type RleCodec } from '../../native-bridge/index.js';

export type ImageSource = 'simulator' | 'c-store';

export interface ImageSink {
  publishImage(
    header: { source: ImageSource; transferSyntaxUid: string; sopInstanceUid: string; seriesUid: string; imagesInSeries: number | null },
    part10: Uint8Array,
  ): void;
  notice(level: 'info' | 'warning' | 'alarm', text: string): void;
}

export type PipelineResult =
  | { ok: true; transferSyntaxUid: string; bytesIn: number; bytesOut: number }
  | { ok: false; code: string; message: string };

const LITTLE_ENDIAN_NATIVE: readonly string[] = [TransferSyntax.ImplicitVRLittleEndian, TransferSyntax.ExplicitVRLittleEndian];

/**
 * One path for every image, from the simulator or a C-STORE peer, to every workstation:
 * validate, compress with RLE Lossless when that makes the image smaller (PS3.5 Annex G),
 * then publish as a numbered binary frame. A bad object is refused with a code and a notice
 * that every workstation shows; the images before and after it are unaffected.
 */
export class ImagePipeline {
  constructor(private readonly sink: ImageSink, private readonly rle: RleCodec = defaultRle) {}

  accept(part10: Uint8Array, source: ImageSource, imagesInSeries: number | null = null): PipelineResult {
    let result: PipelineResult;
    try {
      result = this.forward(part10, source, imagesInSeries);
    } catch (err) {
      result = { ok: false, code: codeOf(err), message: (err as Error).message };
    }
    if (!result.ok) this.sink.notice('warning', `image from ${source === 'c-store' ? 'DICOM peer' : 'scanner'} refused: ${result.code}: ${result.message}`);
    return result;
  }

  private forward(part10: Uint8Array, source: ImageSource, imagesInSeries: number | null): PipelineResult {
    const file = readPart10(part10);
    const sopInstanceUid = file.dataset.string(Tag.SOPInstanceUID);
    const seriesUid = file.dataset.string(0x0020000e);
    if (!file.dataset.has(Tag.PixelData)) throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, 'the object has no Pixel Data: not an image');
    if (!sopInstanceUid || !seriesUid) throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, 'the image lacks its SOP Instance or Series Instance UID');
    const out = this.transcode(file, part10);
    this.sink.publishImage({ source, transferSyntaxUid: out.transferSyntaxUid, sopInstanceUid, seriesUid, imagesInSeries }, out.bytes);
    return { ok: true, transferSyntaxUid: out.transferSyntaxUid, bytesIn: part10.length, bytesOut: out.bytes.length };
  }

  /** RLE-encode native pixel data when smaller; pass RLE through; refuse what no workstation decodes. */
  private transcode(file: DicomFile, part10: Uint8Array): { bytes: Uint8Array; transferSyntaxUid: string } {
    const ts = file.transferSyntaxUid;
    if (ts === TransferSyntax.RLELossless) {
      pixelDataFrames(file); // frames must be locatable; their RLE content is checked where decoded
      return { bytes: part10, transferSyntaxUid: ts };
    }
    const bigEndian = ts === TransferSyntax.ExplicitVRBigEndian;
    if (!bigEndian && !LITTLE_ENDIAN_NATIVE.includes(ts)) {
      throw new LarmorError(ErrorCode.UNSUPPORTED_TRANSFER_SYNTAX, `transfer syntax ${ts} is not supported for live preview (send uncompressed or RLE Lossless)`);
    }
    const info = imageInfo(file.dataset);
    const frames = pixelDataFrames(file);
    if (frames.encapsulated) throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, 'native transfer syntax with encapsulated Pixel Data');
    const rleEncodable = [8, 16, 32].includes(info.bitsAllocated) && (info.samplesPerPixel === 1 || info.samplesPerPixel === 3);
    if (!rleEncodable) {
      if (bigEndian) throw new LarmorError(ErrorCode.UNSUPPORTED_IMAGE, `${info.bitsAllocated}-bit big-endian pixel data is not supported`);
      return { bytes: part10, transferSyntaxUid: ts };
    }
    const bytesPerSample = info.bitsAllocated / 8;
    const frameInfo = { rows: info.rows, columns: info.columns, samplesPerPixel: info.samplesPerPixel, bitsAllocated: info.bitsAllocated, planarConfiguration: info.planarConfiguration };
    const encoded = frames.frames.map((frame) => this.rle.encode(bigEndian ? swapToLittleEndian(frame, bytesPerSample) : frame, frameInfo));
    const nativeBytes = frames.frames.reduce((n, f) => n + f.length, 0);
    const rleBytes = encoded.reduce((n, f) => n + f.length, 0);
    if (rleBytes >= nativeBytes && !bigEndian) return { bytes: part10, transferSyntaxUid: ts };
    const elements = datasetToElements(file.dataset).filter((e) => e.tag !== Tag.PixelData && e.tag !== Tag.ExtendedOffsetTable && e.tag >>> 16 !== 0x0002);
    elements.push({ tag: Tag.PixelData, vr: 'OB', value: encapsulateFrames(encoded) });
    return { bytes: writePart10({ transferSyntaxUid: TransferSyntax.RLELossless, elements }), transferSyntaxUid: TransferSyntax.RLELossless };
  }
}
