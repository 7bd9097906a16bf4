/**
 * Golden checks against real files and real peers: the shared samples against their uncompressed
 * twins, files compressed on the fly by DCMTK (dcmcrle) and GDCM (gdcmconv --rle) against
 * dcmdrle's output byte for byte, and our encoder's files decoded by dcmdrle and gdcmconv.
 * Failures name the first differing pixel.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFrames, toRleLossless } from '../../native-bridge/index.js';
import { imageInfo, nativeFrameLength, pixelDataFrames, readPart10, Tag, TransferSyntax } from '../../native-bridge/dicom/index.js';
import {
  compress,
  dump2dcmFile,
  firstDifference,
  gdcmCanEncode,
  gdcmDecodesCorrectly,
  otherPlanarLayout,
  planarConfigurationOf,
  referencePixels,
  type Compressor,
} from './support/dcmtk.js';
import { makePixels, type TestImage } from './support/images.js';
import { implementations } from './support/implementations.js';
import { SAMPLES_DIR } from '../helpers/dicom-samples.js';

const SAMPLES = SAMPLES_DIR;
const work = mkdtempSync(join(tmpdir(), 'larmor-rle-golden-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

function expectSameBytes(expected: Uint8Array, actual: Uint8Array, bytesPerPixel: number, frameLength: number): void {
  expect(firstDifference(expected, actual, bytesPerPixel, frameLength)).toBeUndefined();
}

const twins: Array<[string, string]> = [
  ['MR_small_RLE.dcm', 'MR_small.dcm'],
  ['emri_small_RLE.dcm', 'emri_small.dcm'],
  ['liver_rle.dcm', 'liver.dcm'],
];
/** RLE samples without an uncompressed twin: dcmdrle makes the reference. */
const withoutTwin = ['OBXXXX1A_rle.dcm', 'SC_rgb_rle.dcm', 'SC_rgb_rle_16bit.dcm', 'SC_rgb_rle_2frame.dcm', 'SC_rgb_rle_32bit.dcm'];

const images: Array<TestImage & { name: string }> = [
  { name: 'mr16', rows: 64, columns: 64, samplesPerPixel: 1, bitsAllocated: 16, planarConfiguration: 0, frames: 1, content: 'mr', seed: 11 },
  { name: 'odd8', rows: 255, columns: 257, samplesPerPixel: 1, bitsAllocated: 8, planarConfiguration: 0, frames: 1, content: 'noisy', seed: 12 },
  { name: 'odd16', rows: 255, columns: 257, samplesPerPixel: 1, bitsAllocated: 16, planarConfiguration: 0, frames: 2, content: 'mr', seed: 13 },
  { name: 'flat16', rows: 128, columns: 128, samplesPerPixel: 1, bitsAllocated: 16, planarConfiguration: 0, frames: 1, content: 'flat', seed: 14 },
  { name: 'noisy16', rows: 100, columns: 90, samplesPerPixel: 1, bitsAllocated: 16, planarConfiguration: 0, frames: 1, content: 'noisy', seed: 15 },
  { name: 'rgb8', rows: 34, columns: 47, samplesPerPixel: 3, bitsAllocated: 8, planarConfiguration: 0, frames: 1, content: 'noisy', seed: 16 },
  { name: 'rgb8planar', rows: 33, columns: 47, samplesPerPixel: 3, bitsAllocated: 8, planarConfiguration: 1, frames: 1, content: 'mr', seed: 17 },
  { name: 'rgb16', rows: 20, columns: 21, samplesPerPixel: 3, bitsAllocated: 16, planarConfiguration: 0, frames: 2, content: 'mr', seed: 18 },
  { name: 'many', rows: 32, columns: 32, samplesPerPixel: 1, bitsAllocated: 16, planarConfiguration: 0, frames: 40, content: 'mr', seed: 19 },
];
const compressors: Compressor[] = ['dcmcrle', 'dcmcrle-split', 'gdcmconv'];

describe.each(implementations)('RLE golden files (%s)', (_name, codec) => {
  it.each(twins)('decodes %s to the pixels of its uncompressed twin %s', (rleName, twinName) => {
    const file = readPart10(readFileSync(join(SAMPLES, rleName)));
    expect(file.transferSyntaxUid).toBe(TransferSyntax.RLELossless);
    const twin = readPart10(readFileSync(join(SAMPLES, twinName)));
    expect(twin.transferSyntaxUid).toBe(TransferSyntax.ExplicitVRLittleEndian);
    const info = imageInfo(file.dataset);
    const expected = twin.dataset.get(Tag.PixelData)!.bytes;
    const decoded = concat(decodeFrames(file, codec));
    expectSameBytes(expected.subarray(0, decoded.length), decoded, Math.max(1, info.bitsAllocated / 8) * info.samplesPerPixel, nativeFrameLength(info));
    expect(expected.length - decoded.length).toBeLessThanOrEqual(1); // at most the even-length pad
  });

  it.each(withoutTwin)('decodes %s to what dcmdrle decodes', (rleName) => {
    const path = join(SAMPLES, rleName);
    const file = readPart10(readFileSync(path));
    expect(file.transferSyntaxUid).toBe(TransferSyntax.RLELossless);
    const info = imageInfo(file.dataset);
    const expected = referencePixels('dcmdrle', path, join(work, `${codec.implementation}-${rleName}`));
    const decoded = concat(decodeFrames(file, codec));
    expectSameBytes(expected.subarray(0, decoded.length), decoded, (info.bitsAllocated / 8) * info.samplesPerPixel, nativeFrameLength(info));
  });

  describe.each(images)('generated $name ($rows x $columns, $samplesPerPixel x $bitsAllocated bits, $frames frames, $content)', (image) => {
    const pixels = makePixels(image);
    const prefix = `${codec.implementation}-${image.name}`;
    const sourceFile = dump2dcmFile(work, prefix, image, pixels);
    const frameLength = pixels.length / image.frames;
    const bytesPerPixel = (image.bitsAllocated / 8) * image.samplesPerPixel;

    const tools = compressors.filter((tool) => tool !== 'gdcmconv' || gdcmCanEncode(image));
    it.each(tools)('decodes the %s file byte for byte like dcmdrle', (tool) => {
      const compressed = compress(tool, sourceFile, join(work, `${prefix}-${tool}.dcm`));
      const file = readPart10(readFileSync(compressed));
      expect(file.transferSyntaxUid).toBe(TransferSyntax.RLELossless);
      const expected = referencePixels('dcmdrle', compressed, join(work, `${prefix}-${tool}-ref.dcm`));
      // The peers agree with the source (GDCM switches RGB to colour-by-plane and says so).
      const layout = image.samplesPerPixel === 1 || planarConfigurationOf(compressed) === image.planarConfiguration ? pixels : otherPlanarLayout(pixels, image);
      expectSameBytes(expected.subarray(0, pixels.length), layout, bytesPerPixel, frameLength);
      expectSameBytes(expected.subarray(0, pixels.length), concat(decodeFrames(file, codec)), bytesPerPixel, frameLength);
    });

    it('encodes a file that dcmdrle and gdcmconv --raw decode to the original bytes', () => {
      const ours = join(work, `${prefix}-ours.dcm`);
      writeFileSync(ours, toRleLossless(readPart10(readFileSync(sourceFile)), codec));
      const decoders = gdcmDecodesCorrectly(image) ? (['dcmdrle', 'gdcmconv'] as const) : (['dcmdrle'] as const);
      for (const tool of decoders) {
        const output = join(work, `${prefix}-ours-${tool}.dcm`);
        const decoded = referencePixels(tool, ours, output);
        // gdcmconv --raw writes RGB colour-by-pixel and says so in Planar Configuration.
        const samePlanar = image.samplesPerPixel === 1 || planarConfigurationOf(output) === image.planarConfiguration;
        const expected = samePlanar ? pixels : otherPlanarLayout(pixels, image);
        expectSameBytes(expected, decoded.subarray(0, pixels.length), bytesPerPixel, frameLength);
      }
    });

    it('encodes within 1% of the size dcmcrle produces', () => {
      const reference = readPart10(readFileSync(compress('dcmcrle', sourceFile, join(work, `${prefix}-size.dcm`))));
      const frames = pixelDataFrames(reference);
      const theirs = (frames.frames as Uint8Array[][]).flat().reduce((sum, fragment) => sum + fragment.length, 0);
      let ours = 0;
      for (let f = 0; f < image.frames; f++) ours += codec.encode(pixels.subarray(f * frameLength, (f + 1) * frameLength), image).length;
      expect(Math.abs(ours - theirs) / theirs).toBeLessThanOrEqual(0.01);
    });
  });
});
