/**
 * A large image on the workstation's event loop, where its heartbeats run:
 *   1. reassembling it from its chunks (protocol/image-frame.ts ImageChunkAssembler): how long
 *      each chunk's `add` holds the loop, for objects of 16 to 256 MiB in IMAGE_CHUNK_BYTES
 *      chunks, beside one copy of the whole frame (encodeImageFrame), what an assembler that
 *      joins the chunks at the end pays on its last chunk;
 *   2. handing it to the decode pool (main/images/decode-pool.ts): how long the `decode` call
 *      holds the loop, beside a structured clone of the frame, what posting it without moving
 *      its memory costs.
 * Each reference is measured in the same run.
 *   npx tsx bench/large-image/run.ts [--rounds N]
 */
import { ImageChunkAssembler, encodeImageFrame, encodeImageFrameChunks, type ImageFrameHeader } from '../../protocol/index.js';
import { createDecodePool } from '../../main/images/decode-pool.js';
import { numberArg } from '../lib/args.js';
import { percentile, printTable } from '../lib/stats.js';

const ROUNDS = numberArg('--rounds', 7);
const MIB = 1024 * 1024;
const header: ImageFrameHeader = {
  seq: 1,
  at: new Date().toISOString(),
  source: 'c-store',
  transferSyntaxUid: '1.2.840.10008.1.2.5',
  sopInstanceUid: '2.25.1',
  seriesUid: '2.25.2',
  imagesInSeries: null,
};

function timed<T>(run: () => T): [T, number] {
  const started = performance.now();
  const out = run();
  return [out, performance.now() - started];
}

const reassembly: (string | number)[][] = [];
for (const mib of [16, 80, 256]) {
  const part10 = new Uint8Array(mib * MIB).fill(7);
  const chunks = encodeImageFrameChunks(header, part10);
  const longest: number[] = [];
  const whole: number[] = [];
  const reference: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const assembler = new ImageChunkAssembler();
    let max = 0;
    let sum = 0;
    for (const chunk of chunks) {
      const [out, ms] = timed(() => assembler.add(chunk));
      max = Math.max(max, ms);
      sum += ms;
      if (out !== null && out.length < part10.length) throw new Error('short frame');
    }
    longest.push(max);
    whole.push(sum);
    reference.push(timed(() => encodeImageFrame(header, part10))[1]);
  }
  reassembly.push([`${mib} MiB`, chunks.length, percentile(longest, 50), Math.max(...longest), percentile(whole, 50), percentile(reference, 50)]);
}
console.log(`1. Image chunk reassembly on one event loop, ${ROUNDS} rounds (medians unless max)`);
printTable(['object', 'chunks', 'longest add ms', 'longest add max ms', 'all chunks ms', 'reference: one whole copy ms'], reassembly);

// The RLE decoder refuses these frames (they are not DICOM): what is measured is the hand-over.
const pool = createDecodePool({ size: 1 });
await pool.ready;
const handOver: (string | number)[][] = [];
for (const mib of [0.5, 16, 80]) {
  const call: number[] = [];
  const clone: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const frame = encodeImageFrame(header, new Uint8Array(Math.round(mib * MIB)).fill(1));
    clone.push(timed(() => structuredClone(frame))[1]);
    const [answer, ms] = timed(() => pool.decode(frame));
    call.push(ms);
    await answer;
  }
  handOver.push([`${mib} MiB`, percentile(call, 50), Math.max(...call), percentile(clone, 50)]);
}
await pool.close();
console.log(`\n2. Handing a frame to the decode pool, ${ROUNDS} rounds (medians unless max)`);
printTable(['frame', 'decode() call ms', 'decode() call max ms', 'reference: structured clone ms'], handOver);
