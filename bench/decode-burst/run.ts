/**
 * bench/decode-burst: a series arriving at once, as a scanner sends one when its sequence ends
 * (and as `storescu`'s 20 images a second do in bench/load): N RLE Lossless 512x512 16-bit MR
 * frames, as the gateway sends them, handed to the workstation's decode pool together. Reports
 * the time until the last is decoded and each image's wait (handed -> decoded), for pools of 1
 * and 2 workers, their bursts alternating in one run. One worker is the reference: what every
 * shell ran before the pool was sized to the machine (main/images/decode-pool.ts).
 *
 *   npx tsx bench/decode-burst/run.ts [--images 20] [--bursts 40]
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { encodeImageFrame } from '../../protocol/index.js';
import { Tag, readPart10 } from '../../native-bridge/dicom/index.js';
import { DEFAULT_IMAGE_LIMITS, imageCodecs } from '../../native-bridge/index.js';
import { workstationCopy } from '../../gateway/images/workstation-copy.js';
import { createDecodePool, type DecodePool } from '../../main/images/decode-pool.js';
import { makePhantomFrames } from '../rle/mr-phantom.js';
import { mrPart10 } from '../lib/mr-part10.js';
import { percentile, printTable } from '../lib/stats.js';

const { values } = parseArgs({ options: { images: { type: 'string', default: '20' }, bursts: { type: 'string', default: '40' } } });
const IMAGES = Number(values.images);
const BURSTS = Number(values.bursts);
const SIZES = [1, 2];

/** The frames of one burst, as the gateway sends them: each its own RLE copy and number. */
function burstFrames(): Uint8Array[] {
  const pixels = makePhantomFrames({ rows: 512, columns: 512, frames: IMAGES });
  return Array.from({ length: IMAGES }, (_, i) => {
    const part10 = mrPart10(512, 512, pixels.subarray(i * 512 * 512 * 2, (i + 1) * 512 * 512 * 2), [
      { tag: Tag.SOPInstanceUID, vr: 'UI', value: `2.25.4242${i + 1}` },
      { tag: 0x0020000e, vr: 'UI', value: '2.25.4243' },
    ]);
    const copy = workstationCopy(readPart10(part10), part10, imageCodecs, DEFAULT_IMAGE_LIMITS);
    const header = { seq: i + 1, at: new Date().toISOString(), source: 'c-store' as const, sopInstanceUid: `2.25.4242${i + 1}`, seriesUid: '2.25.4243' };
    return encodeImageFrame({ ...header, transferSyntaxUid: copy.transferSyntaxUid, imagesInSeries: IMAGES }, copy.bytes);
  });
}

/** One burst: every frame handed at once; ms until the last is decoded, and each image's wait. */
async function burst(pool: DecodePool, frames: Uint8Array[]): Promise<{ lastMs: number; waits: number[] }> {
  // Copies, made before the clock starts: the pool moves a frame's bytes to its worker (transferred).
  const handed = frames.map((frame) => frame.slice());
  const start = performance.now();
  const waits = await Promise.all(
    handed.map(async (frame) => {
      const result = await pool.decode(frame);
      if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
      return performance.now() - start;
    }),
  );
  return { lastMs: Math.max(...waits), waits };
}

const frames = burstFrames();
const pools = await Promise.all(SIZES.map(async (size) => ({ size, pool: createDecodePool({ size }) })));
await Promise.all(pools.map((p) => p.pool.ready));
const measured = new Map(SIZES.map((size) => [size, { last: [] as number[], waits: [] as number[] }]));
for (let round = -2; round < BURSTS; round++) {
  for (const { size, pool } of round % 2 === 0 ? pools : [...pools].reverse()) {
    const { lastMs, waits } = await burst(pool, frames);
    if (round < 0) continue; // the first two rounds warm the workers up
    measured.get(size)!.last.push(lastMs);
    measured.get(size)!.waits.push(...waits);
  }
}
await Promise.all(pools.map((p) => p.pool.close()));

console.log(`\n${BURSTS} bursts of ${IMAGES} RLE 512x512 16-bit MR frames; ${availableParallelism()} cores; node ${process.version}\n`);
const reference = percentile(measured.get(1)!.last, 50);
printTable(
  ['decode workers', 'burst: last decoded p50 ms', 'p95 ms', 'each image waited p50 ms', 'p99 ms', 'burst vs 1 worker'],
  SIZES.map((size) => {
    const m = measured.get(size)!;
    const p50 = percentile(m.last, 50);
    return [
      String(size),
      p50.toFixed(1),
      percentile(m.last, 95).toFixed(1),
      percentile(m.waits, 50).toFixed(1),
      percentile(m.waits, 99).toFixed(1),
      `${(reference / p50).toFixed(2)}x`,
    ];
  }),
);
