/**
 * Reassembling a chunked image on the workstation's event loop (protocol/image-frame.ts
 * ImageChunkAssembler): the time each chunk's `add` holds the loop, for objects of 16 to 256 MiB
 * in IMAGE_CHUNK_BYTES chunks, beside the reference measured in the same run: one copy of the
 * whole frame (encodeImageFrame), what an assembler that joins the chunks at the end pays on its
 * last chunk. A heartbeat waits behind the longest `add`.
 *   npx tsx bench/image-chunks/run.ts [--rounds N]
 */
import { ImageChunkAssembler, encodeImageFrame, encodeImageFrameChunks, type ImageFrameHeader } from '../../protocol/index.js';
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

const rows: (string | number)[][] = [];
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
  rows.push([`${mib} MiB`, chunks.length, percentile(longest, 50), Math.max(...longest), percentile(whole, 50), percentile(reference, 50)]);
}
console.log(`Image chunk reassembly on one event loop, ${ROUNDS} rounds (medians unless max)`);
printTable(['object', 'chunks', 'longest add ms', 'longest add max ms', 'all chunks ms', 'reference: one whole copy ms'], rows);
