import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as decode } from '../../main/cli/decode-command.js';
import { run as encodeRle } from '../../main/cli/encode-rle-command.js';
import { readPart10, Tag, TransferSyntax } from '../../native-bridge/dicom/index.js';
import { dump2dcmFile, firstDifference } from './support/dcmtk.js';
import { makePixels } from './support/images.js';

const SAMPLES = join(import.meta.dirname, '../../../shared/dicom-samples');
const work = mkdtempSync(join(tmpdir(), 'larmor-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function dcmdrlePixelData(input: string): Uint8Array {
  const out = join(work, 'dcmdrle-out.dcm');
  execFileSync('dcmdrle', ['-q', input, out]);
  return readPart10(readFileSync(out)).dataset.get(Tag.PixelData)!.bytes;
}

function captureStderr(): { text: () => string; restore: () => void } {
  let buffer = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    buffer += String(chunk);
    return true;
  });
  return { text: () => buffer, restore: () => spy.mockRestore() };
}

describe('larmor decode', () => {
  it.each(['emri_small_RLE.dcm', 'SC_rgb_rle_2frame.dcm', 'SC_rgb_rle_32bit.dcm', 'MR_small.dcm'])(
    'writes exactly the Pixel Data bytes dcmdrle writes for %s',
    async (name) => {
      const out = join(work, `${name}.raw`);
      expect(await decode([join(SAMPLES, name), out])).toBe(0);
      expect(firstDifference(dcmdrlePixelData(join(SAMPLES, name)), readFileSync(out), 1, Number.MAX_SAFE_INTEGER)).toBeUndefined();
    },
  );

  it('pads an odd-length decoded frame to even length like dcmdrle (255 x 257, 8-bit)', async () => {
    const image = { rows: 255, columns: 257, samplesPerPixel: 1, bitsAllocated: 8, planarConfiguration: 0, frames: 1, content: 'mr', seed: 3 } as const;
    const source = dump2dcmFile(work, 'odd', image, makePixels(image));
    const compressed = join(work, 'odd-rle.dcm');
    execFileSync('dcmcrle', ['-q', source, compressed]);
    const out = join(work, 'odd.raw');
    expect(await decode([compressed, out])).toBe(0);
    expect(readFileSync(out).length).toBe(255 * 257 + 1);
    expect(firstDifference(dcmdrlePixelData(compressed), readFileSync(out), 1, Number.MAX_SAFE_INTEGER)).toBeUndefined();
  });

  it('writes big-endian input as little-endian pixels', async () => {
    const out = join(work, 'be.raw');
    expect(await decode([join(SAMPLES, 'MR_small_bigendian.dcm'), out])).toBe(0);
    const reference = readPart10(readFileSync(join(SAMPLES, 'MR_small.dcm'))).dataset.get(Tag.PixelData)!.bytes;
    expect(Buffer.compare(readFileSync(out), Buffer.from(reference))).toBe(0);
  });

  it('reports a malformed RLE frame on stderr with its code and a non-zero status', async () => {
    const bytes = new Uint8Array(readFileSync(join(SAMPLES, 'MR_small_RLE.dcm')));
    const file = readPart10(bytes);
    const fragment = file.dataset.get(Tag.PixelData)!.encapsulated!.fragments[0];
    new DataView(fragment.buffer, fragment.byteOffset).setUint32(0, 9, true); // 9 segments for a 16-bit image
    const broken = join(work, 'broken.dcm');
    writeFileSync(broken, bytes);
    const stderr = captureStderr();
    try {
      expect(await decode([broken, join(work, 'broken.raw')])).not.toBe(0);
    } finally {
      stderr.restore();
    }
    expect(stderr.text()).toContain('LARMOR_E_RLE_SEGMENT_COUNT_MISMATCH');
    // Nothing a script could take for the image: neither OUT.raw nor what was being written.
    expect(readdirSync(work).filter((name) => name.startsWith('broken.raw'))).toEqual([]);
  });

  it('reports a truncated file and a missing argument with codes', async () => {
    const stderr = captureStderr();
    try {
      expect(await decode([join(SAMPLES, 'MR_truncated.dcm'), join(work, 't.raw')])).not.toBe(0);
      expect(await decode([])).not.toBe(0);
    } finally {
      stderr.restore();
    }
    expect(stderr.text()).toContain('LARMOR_E_DICOM_TRUNCATED');
    expect(stderr.text()).toContain('LARMOR_E_INVALID_PARAMETER');
  });
});

describe('larmor encode-rle', () => {
  it.each(['MR_small.dcm', 'MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'emri_small.dcm', 'SC_rgb_rle_16bit.dcm'])(
    'writes an RLE Lossless file of %s that dcmdrle decodes to the original pixels',
    async (name) => {
      const out = join(work, `${name}-rle.dcm`);
      expect(await encodeRle([join(SAMPLES, name), out])).toBe(0);
      expect(execFileSync('dcmftest', [out], { encoding: 'utf8' })).toMatch(/^yes:/);
      expect(readPart10(readFileSync(out)).transferSyntaxUid).toBe(TransferSyntax.RLELossless);
      const original = join(work, `${name}-orig.raw`);
      expect(await decode([join(SAMPLES, name), original])).toBe(0);
      expect(firstDifference(readFileSync(original), dcmdrlePixelData(out), 1, Number.MAX_SAFE_INTEGER)).toBeUndefined();
    },
  );
});
