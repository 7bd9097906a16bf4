/**
 * bench/dicom-parse: our Part 10 reader (native-bridge/dicom/reader.ts) against `dicom-parser`
 * (cornerstone's parser), on every file in /work/shared/dicom-samples and a ~100 MB multi-frame
 * file (bench/.data/mr-100MB.dcm and its dcmcrle copy, made by bench/rle/run.ts, or here).
 *
 * Each parser does the same job the image path needs: parse the whole file, read the
 * transfer syntax and the image attributes, and locate every frame's bytes. Correctness is
 * judged against each other and against the file's known state (MR_truncated.dcm must be refused).
 *
 *   npx tsx bench/dicom-parse/run.ts [--rounds 5] [--samples DIR]
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { imageInfo, pixelDataFrames, readPart10, greyImagePixelElements, Tag, TransferSyntax, writePart10 } from '../../native-bridge/dicom/index.js';
import { makePhantomFrames } from '../rle/mr-phantom.js';
import { printTable } from '../lib/stats.js';
import type * as DicomParser from 'dicom-parser';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = join(ROOT, 'bench/.data');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, samples: { type: 'string', default: '/work/shared/dicom-samples' } } });
const rounds = Number(values.rounds);
// Not a dependency of ours (measured and dropped, see native-bridge/README.md): loaded from where
// cornerstone's image loader, a dev dependency, brings it.
const dicomParser = createRequire(import.meta.url)(join(ROOT, 'node_modules/dicom-parser/dist/dicomParser.min.js')) as typeof DicomParser;

/** What both parsers must agree on: transfer syntax, geometry and every frame's bytes (hashed by length + checksum). */
interface Summary {
  transferSyntaxUid: string;
  rows: number;
  columns: number;
  frames: number;
  frameBytes: string;
}

function checksum(chunks: Uint8Array[]): string {
  let sum = 0;
  let length = 0;
  for (const chunk of chunks) {
    length += chunk.length;
    for (let i = 0; i < chunk.length; i += 97) sum = (sum * 31 + chunk[i]!) >>> 0;
  }
  return `${length}:${sum.toString(16)}`;
}

/** Parsed: what each parser yields before the (untimed) checksum. */
interface Parsed extends Omit<Summary, 'frameBytes'> {
  chunks: Uint8Array[];
}

function ours(bytes: Uint8Array): Parsed {
  const file = readPart10(bytes);
  const info = imageInfo(file.dataset);
  const frames = pixelDataFrames(file);
  const chunks = frames.encapsulated ? frames.frames.flat() : frames.frames;
  return { transferSyntaxUid: file.transferSyntaxUid, rows: info.rows, columns: info.columns, frames: frames.frames.length, chunks };
}

function theirs(bytes: Uint8Array): Parsed {
  const ds = dicomParser.parseDicom(bytes);
  const transferSyntaxUid = ds.string('x00020010') ?? '';
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const frames = ds.intString('x00280008') ?? 1;
  const pixel = ds.elements.x7fe00010;
  if (pixel === undefined) throw new Error('no Pixel Data');
  const chunks: Uint8Array[] = [];
  if (pixel.encapsulatedPixelData) {
    for (let f = 0; f < frames; f++) {
      const frame =
        pixel.basicOffsetTable && pixel.basicOffsetTable.length > 0
          ? dicomParser.readEncapsulatedImageFrame(ds, pixel, f)
          : dicomParser.readEncapsulatedImageFrame(ds, pixel, f, dicomParser.createJPEGBasicOffsetTable(ds, pixel));
      chunks.push(frame);
    }
  } else {
    const samples = ds.uint16('x00280002') ?? 1;
    const bits = ds.uint16('x00280100') ?? 16;
    const frameLength = Math.ceil((rows * columns * samples * bits) / 8);
    if (pixel.dataOffset + pixel.length > bytes.length) throw new Error('Pixel Data runs past the end of the file');
    for (let f = 0; f < frames; f++) chunks.push(bytes.subarray(pixel.dataOffset + f * frameLength, pixel.dataOffset + (f + 1) * frameLength));
  }
  return { transferSyntaxUid, rows, columns, frames, chunks };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else if (!name.endsWith('.md')) out.push(path);
  }
  return out;
}

/** The 100 MB multi-frame MR of bench/rle (made here too when that bench has not run). */
function bigFiles(): string[] {
  mkdirSync(DATA, { recursive: true });
  const raw = join(DATA, 'mr-100MB.dcm');
  const rle = join(DATA, 'mr-100MB-rle.dcm');
  if (!existsSync(raw)) {
    const phantom = { rows: 512, columns: 512, frames: 200 };
    writeFileSync(
      raw,
      writePart10({
        transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian,
        elements: [
          { tag: Tag.SOPClassUID, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7.3' },
          { tag: Tag.SOPInstanceUID, vr: 'UI', value: '2.25.20261129100000' },
          ...greyImagePixelElements({ rows: phantom.rows, columns: phantom.columns, frames: phantom.frames }),
          { tag: Tag.PixelData, vr: 'OW', value: makePhantomFrames(phantom) },
        ],
      }),
    );
  }
  if (!existsSync(rle)) execFileSync('dcmcrle', ['-q', raw, rle]);
  return [raw, rle];
}

function attempt(parse: (b: Uint8Array) => Parsed, bytes: Uint8Array): Summary | Error {
  try {
    const { chunks, ...rest } = parse(bytes);
    return { ...rest, frameBytes: checksum(chunks) };
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function medianMs(action: () => void): number {
  action();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    action();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const rows: (string | number)[][] = [];
let oursTotal = 0;
let theirsTotal = 0;
for (const path of [...listFiles(values.samples), ...bigFiles()]) {
  const bytes = new Uint8Array(readFileSync(path));
  const a = attempt(ours, bytes);
  const b = attempt(theirs, bytes);
  const expectRefusal = /truncated/i.test(path);
  const verdict = (s: Summary | Error, other: Summary | Error): string => {
    if (s instanceof Error) return expectRefusal ? 'refused (right)' : `error: ${s.message.slice(0, 40)}`;
    if (expectRefusal) return 'accepted (wrong)';
    if (other instanceof Error) return 'ok';
    return JSON.stringify(s) === JSON.stringify(other) ? 'ok' : 'differs';
  };
  const oursMs = a instanceof Error ? Number.NaN : medianMs(() => ours(bytes));
  const theirsMs = b instanceof Error ? Number.NaN : medianMs(() => theirs(bytes));
  if (Number.isFinite(oursMs) && Number.isFinite(theirsMs)) {
    oursTotal += oursMs;
    theirsTotal += theirsMs;
  }
  const name = path.startsWith(values.samples) ? relative(values.samples, path) : relative(ROOT, path);
  rows.push([name, (bytes.length / 1e6).toFixed(2), verdict(a, b), oursMs, verdict(b, a), theirsMs]);
}
console.log(`median of ${rounds} rounds after one warm-up; ms to parse and locate every frame; node ${process.version}`);
printTable(['file', 'MB', 'ours', 'ours ms', 'dicom-parser', 'dicom-parser ms'], rows);
console.log(`total over files both parsed: ours ${oursTotal.toFixed(1)} ms, dicom-parser ${theirsTotal.toFixed(1)} ms`);
