/**
 * Real peers: builds DICOM files with DCMTK's dump2dcm, compresses them with dcmcrle and GDCM's
 * gdcmconv, and decompresses with dcmdrle / gdcmconv --raw for reference bytes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPart10, Tag } from '../../../native-bridge/dicom/index.js';
import type { TestImage } from './images.js';

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A Secondary Capture SOP class that allows the image's frames and samples (PS3.4 B.5); GDCM
 * refuses to write multi-frame images under the single-frame class.
 */
function secondaryCaptureClass(image: TestImage): string {
  if (image.frames === 1) return '1.2.840.10008.5.1.4.1.1.7';
  if (image.samplesPerPixel === 3) return '1.2.840.10008.5.1.4.1.1.7.4';
  return image.bitsAllocated === 8 ? '1.2.840.10008.5.1.4.1.1.7.2' : '1.2.840.10008.5.1.4.1.1.7.3';
}

/**
 * GDCM 3's RLE encoder aborts on Pixel Data of odd length (assertions in gdcmRLECodec.cxx), so
 * gdcmconv --rle is only asked to compress images whose pixel data has even length.
 */
export function gdcmCanEncode(image: TestImage): boolean {
  return ((image.rows * image.columns * image.samplesPerPixel * image.frames * image.bitsAllocated) / 8) % 2 === 0;
}

/**
 * gdcmconv --raw (GDCM 3.0) returns wrongly ordered bytes for RGB images of 16 or 32 bits, also
 * for RLE files GDCM itself wrote, so it is not a reference for those.
 */
export function gdcmDecodesCorrectly(image: TestImage): boolean {
  return image.samplesPerPixel === 1 || image.bitsAllocated === 8;
}

/** An Explicit VR Little Endian file made by dump2dcm with `(7fe0,0010) OW =pixels.raw`. */
export function dump2dcmFile(dir: string, name: string, image: TestImage, pixels: Uint8Array): string {
  const raw = join(dir, `${name}.raw`);
  writeFileSync(raw, pixels);
  const bits = image.bitsAllocated;
  const lines = [
    `(0008,0016) UI [${secondaryCaptureClass(image)}]`,
    `(0008,0018) UI [1.2.826.0.1.3680043.2.1125.9.${image.seed}]`,
    '(0008,0060) CS [OT]',
    `(0028,0002) US ${image.samplesPerPixel}`,
    `(0028,0004) CS [${image.samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2'}]`,
    ...(image.samplesPerPixel === 3 ? [`(0028,0006) US ${image.planarConfiguration}`] : []),
    `(0028,0008) IS [${image.frames}]`,
    `(0028,0010) US ${image.rows}`,
    `(0028,0011) US ${image.columns}`,
    `(0028,0100) US ${bits}`,
    `(0028,0101) US ${bits}`,
    `(0028,0102) US ${bits - 1}`,
    '(0028,0103) US 0',
    `(7fe0,0010) ${bits === 8 ? 'OB' : 'OW'} =${raw}`,
  ];
  const dump = join(dir, `${name}.txt`);
  writeFileSync(dump, lines.join('\n') + '\n');
  const out = join(dir, `${name}.dcm`);
  run('dump2dcm', ['-q', '+te', dump, out]);
  return out;
}

export type Compressor = 'dcmcrle' | 'dcmcrle-split' | 'gdcmconv';

export function compress(tool: Compressor, input: string, output: string): string {
  if (tool === 'dcmcrle') run('dcmcrle', ['-q', input, output]);
  // Frames split over several fragments of at most 1 KiB, located by the Basic Offset Table.
  else if (tool === 'dcmcrle-split') run('dcmcrle', ['-q', '+fs', '1', input, output]);
  else run('gdcmconv', ['--rle', input, output]);
  return output;
}

/** Pixel Data value bytes after decompression by dcmdrle (or gdcmconv --raw). */
export function referencePixels(tool: 'dcmdrle' | 'gdcmconv', input: string, scratch: string): Uint8Array {
  if (tool === 'dcmdrle') run('dcmdrle', ['-q', input, scratch]);
  else run('gdcmconv', ['--raw', input, scratch]);
  return pixelDataOf(scratch);
}

function pixelDataOf(path: string): Uint8Array {
  return readPart10(readFileSync(path)).dataset.get(Tag.PixelData)?.bytes ?? new Uint8Array(0);
}

/** The Planar Configuration a decompressor declared in its output (gdcmconv --raw interleaves RGB). */
export function planarConfigurationOf(path: string): number {
  return readPart10(readFileSync(path)).dataset.number(Tag.PlanarConfiguration) ?? 0;
}

/**
 * The same frames in the other colour layout: colour-by-plane RR..GG..BB.. <-> colour-by-pixel
 * RGBRGB.. (PS3.3 C.7.6.3.1.3); `image.planarConfiguration` is the layout of `pixels`.
 */
export function otherPlanarLayout(pixels: Uint8Array, image: TestImage): Uint8Array {
  const bytes = image.bitsAllocated / 8;
  const count = image.rows * image.columns;
  const frameLength = count * 3 * bytes;
  const out = new Uint8Array(pixels.length);
  for (let f = 0; f < image.frames; f++) {
    for (let s = 0; s < 3; s++) {
      for (let p = 0; p < count; p++) {
        for (let k = 0; k < bytes; k++) {
          const byPixel = f * frameLength + (p * 3 + s) * bytes + k;
          const byPlane = f * frameLength + (s * count + p) * bytes + k;
          if (image.planarConfiguration === 1) out[byPixel] = pixels[byPlane];
          else out[byPlane] = pixels[byPixel];
        }
      }
    }
  }
  return out;
}

/** "first difference at byte N (frame f, pixel p): expected X, got Y", or undefined when equal. */
export function firstDifference(expected: Uint8Array, actual: Uint8Array, bytesPerPixel: number, frameLength: number): string | undefined {
  const length = Math.min(expected.length, actual.length);
  for (let i = 0; i < length; i++) {
    if (expected[i] !== actual[i]) {
      const frame = Math.floor(i / frameLength);
      const pixel = Math.floor((i % frameLength) / bytesPerPixel);
      return `first difference at byte ${i} (frame ${frame}, pixel ${pixel}): expected ${expected[i]}, got ${actual[i]}`;
    }
  }
  if (expected.length !== actual.length) return `length differs: expected ${expected.length}, got ${actual.length}`;
  return undefined;
}
