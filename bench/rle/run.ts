/**
 * RLE Lossless benchmark: decode/encode throughput (MB/s of decoded pixel data, MB = 10^6 bytes)
 * of the native addon, the TypeScript fallback and cornerstone's decodeRLE (peer reference, decode
 * only), on a ~100 MB multi-frame 16-bit MR file; then the whole-process time of
 * `npx larmor decode` against `dcmdrle` on the same file, run alternately.
 *   npx tsx bench/rle/run.ts [--rounds N]
 * Files are generated once into bench/.data/ (gitignored). `larmor decode` needs `npm run build`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadNativeRle, nativeLoadFailure, typescriptRle, type RleCodec, type RleFrameInfo } from '../../native-bridge/index.js';
import { pixelDataFrames, readPart10, greyImagePixelElements, Tag, TransferSyntax, writePart10, type DicomElement } from '../../native-bridge/dicom/index.js';
import { makePhantomFrames, type Phantom } from './mr-phantom.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = join(ROOT, 'bench/.data');
const PHANTOM: Phantom = { rows: 512, columns: 512, frames: 200 }; // 104,857,600 bytes
const INFO: RleFrameInfo = { rows: PHANTOM.rows, columns: PHANTOM.columns, samplesPerPixel: 1, bitsAllocated: 16, planarConfiguration: 0 };
const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 5;

function elements(pixelData: DicomElement['value'], vr: string): DicomElement[] {
  return [
    { tag: Tag.SOPClassUID, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7.3' }, // Multi-frame Grayscale Word SC
    { tag: Tag.SOPInstanceUID, vr: 'UI', value: '2.25.20261129100000' },
    { tag: 0x00080060, vr: 'CS', value: 'MR' },
    ...greyImagePixelElements({ rows: PHANTOM.rows, columns: PHANTOM.columns, frames: PHANTOM.frames }),
    { tag: Tag.PixelData, vr, value: pixelData },
  ];
}

/** bench/.data/mr-100MB.dcm (Explicit VR LE) and mr-100MB-rle.dcm (compressed by dcmcrle). */
function ensureFiles(): { raw: string; rle: string } {
  mkdirSync(DATA, { recursive: true });
  const raw = join(DATA, 'mr-100MB.dcm');
  const rle = join(DATA, 'mr-100MB-rle.dcm');
  if (!existsSync(raw)) {
    const pixels = makePhantomFrames(PHANTOM);
    writeFileSync(raw, writePart10({ transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian, elements: elements(pixels, 'OW') }));
  }
  if (!existsSync(rle)) execFileSync('dcmcrle', ['-q', raw, rle]);
  return { raw, rle };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median seconds of `rounds` timed runs after one warm-up. */
async function time(action: () => unknown | Promise<unknown>): Promise<number> {
  await action();
  const seconds: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    await action();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(seconds);
}

async function loadCornerstoneDecodeRLE(): Promise<((frame: object, data: Uint8Array) => Promise<unknown>) | undefined> {
  const path = join(ROOT, 'node_modules/@cornerstonejs/dicom-image-loader/dist/esm/shared/decoders/decodeRLE.js');
  if (!existsSync(path)) return undefined;
  return (await import(pathToFileURL(path).href)).default;
}

const mb = (bytes: number, seconds: number) => (bytes / 1e6 / seconds).toFixed(0);

async function main(): Promise<void> {
  const { raw, rle } = ensureFiles();
  const rleFile = readPart10(readFileSync(rle));
  const compressed = pixelDataFrames(rleFile);
  if (!compressed.encapsulated) throw new Error('expected RLE frames');
  const rleFrames = compressed.frames.map((fragments) => fragments[0]);
  const native = pixelDataFrames(readPart10(readFileSync(raw)));
  if (native.encapsulated) throw new Error('expected native frames');
  const pixelFrames = native.frames;
  const decodedBytes = pixelFrames.reduce((sum, frame) => sum + frame.length, 0);
  const compressedBytes = rleFrames.reduce((sum, frame) => sum + frame.length, 0);
  console.log(
    `file: ${PHANTOM.frames} frames of ${PHANTOM.rows}x${PHANTOM.columns} 16-bit MR, ${decodedBytes} bytes decoded, ` +
      `${compressedBytes} bytes RLE (dcmcrle), ratio ${(decodedBytes / compressedBytes).toFixed(2)}; median of ${rounds} rounds`,
  );

  const codecs: RleCodec[] = [typescriptRle];
  const nativeCodec = loadNativeRle();
  if (nativeCodec) codecs.unshift(nativeCodec);
  else console.log(`native addon unavailable: ${nativeLoadFailure()}`);

  const rows: Array<Record<string, string>> = [];
  for (const codec of codecs) {
    const decodeSeconds = await time(() => rleFrames.forEach((frame) => codec.decode(frame, INFO)));
    const encodeSeconds = await time(() => pixelFrames.forEach((frame) => codec.encode(frame, INFO)));
    rows.push({ implementation: codec.implementation, 'decode MB/s': mb(decodedBytes, decodeSeconds), 'encode MB/s': mb(decodedBytes, encodeSeconds) });
  }
  const cornerstone = await loadCornerstoneDecodeRLE();
  if (cornerstone) {
    const frameInfo = { rows: PHANTOM.rows, columns: PHANTOM.columns, samplesPerPixel: 1, bitsAllocated: 16, planarConfiguration: 0, pixelRepresentation: 0 };
    const decodeSeconds = await time(async () => {
      for (const frame of rleFrames) await cornerstone({ ...frameInfo }, frame);
    });
    rows.push({ implementation: 'cornerstone decodeRLE', 'decode MB/s': mb(decodedBytes, decodeSeconds), 'encode MB/s': 'n/a' });
  }
  console.table(rows);

  // Whole process, alternating so both see the same machine state.
  const larmorBuilt = existsSync(join(ROOT, 'dist/main/cli/decode-command.js'));
  if (!larmorBuilt) {
    console.log('`larmor decode` not built: run `npm run build` (or npx tsc -b tsconfig.json) first');
    return;
  }
  const out = join(DATA, 'out.raw');
  const dcmdrleOut = join(DATA, 'dcmdrle-out.dcm');
  // `npx larmor` needs node_modules/.bin/larmor; without it npm exec runs the same bin script,
  // which costs the same npm start-up.
  const npxWorks = spawnSync('npx', ['--no-install', 'larmor', '--help'], { cwd: ROOT, stdio: 'ignore' }).status === 0;
  const npx: [string, string, string[]] = npxWorks
    ? ['npx larmor decode', 'npx', ['--no-install', 'larmor', 'decode', rle, out]]
    : ['npx node bin/larmor.js decode', 'npx', ['--no-install', 'node', join(ROOT, 'bin/larmor.js'), 'decode', rle, out]];
  if (!npxWorks) console.log('note: `npx larmor` does not resolve here (no node_modules/.bin/larmor); timing `npx node bin/larmor.js` instead');
  const commands: Array<[string, string, string[]]> = [
    npx,
    ['node bin/larmor.js decode', process.execPath, [join(ROOT, 'bin/larmor.js'), 'decode', rle, out]],
    // The command module alone, without the dispatcher's imports: what `larmor decode` costs once
    // main/cli.ts loads its other commands lazily.
    [
      'node decode-command.js (alone)',
      process.execPath,
      [
        '--input-type=module',
        '-e',
        'const m = await import(process.argv[1]); process.exit(await m.run(process.argv.slice(2)));',
        pathToFileURL(join(ROOT, 'dist/main/cli/decode-command.js')).href,
        rle,
        out,
      ],
    ],
    ['dcmdrle', 'dcmdrle', [rle, dcmdrleOut]],
  ];
  const seconds = new Map<string, number[]>(commands.map(([name]) => [name, []]));
  for (let r = 0; r < rounds + 1; r++) {
    for (const [name, command, args] of commands) {
      const start = process.hrtime.bigint();
      const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
      const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
      if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
      if (r > 0) seconds.get(name)!.push(elapsed); // round 0 warms the page cache
    }
  }
  const dcmdrle = median(seconds.get('dcmdrle')!);
  console.table(
    commands.map(([name]) => {
      const s = median(seconds.get(name)!);
      return { command: name, 'median s': s.toFixed(3), 'dcmdrle / this': (dcmdrle / s).toFixed(2) };
    }),
  );
  const same = Buffer.compare(readFileSync(out), Buffer.from(readPart10(readFileSync(dcmdrleOut)).dataset.get(Tag.PixelData)!.bytes)) === 0;
  console.log(`larmor decode output ${same ? 'equals' : 'DIFFERS FROM'} dcmdrle's Pixel Data`);
  rmSync(out, { force: true });
  rmSync(dcmdrleOut, { force: true });
}

await main();
