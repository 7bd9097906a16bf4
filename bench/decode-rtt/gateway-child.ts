/**
 * The gateway for bench/decode-rtt, in its own process so that only the workstation's event loop
 * is measured: prints its URL, then publishes one 4096 x 4096 16-bit RLE image per "publish"
 * line. Its own event loop's longest pause is measured from each "publish" to the next "settled"
 * (a pong waits for it as well); "report" prints those of the images since the last report, in
 * ms (`loop <ms> <ms> ...`). Each image's file is made between "settled" and "publish", outside
 * what is measured: a DICOM peer hands the gateway its bytes made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Gateway } from '../../gateway/server/gateway.js';
import { greyImagePixelElements, Tag, TransferSyntax, encapsulateFrames, writePart10 } from '../../native-bridge/dicom/index.js';
import { rle } from '../../native-bridge/index.js';
import { makePhantomFrames } from '../rle/mr-phantom.js';
import { ensureTestAccount } from '../../tests/helpers/accounts.js';

const SIZE = 4096;
const pixels = makePhantomFrames({ rows: SIZE, columns: SIZE, frames: 1 });
const encoded = rle.encode(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
  rows: SIZE,
  columns: SIZE,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  planarConfiguration: 0,
});
const part10 = (n: number) =>
  writePart10({
    transferSyntaxUid: TransferSyntax.RLELossless,
    elements: [
      { tag: Tag.SOPClassUID, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
      { tag: Tag.SOPInstanceUID, vr: 'UI', value: `2.25.4096${n}` },
      { tag: 0x0020000e, vr: 'UI', value: '2.25.4096' },
      ...greyImagePixelElements({ rows: SIZE, columns: SIZE }),
      { tag: Tag.PixelData, vr: 'OB', value: encapsulateFrames([encoded]) },
    ],
  });

const dir = mkdtempSync(join(tmpdir(), 'larmor-rtt-'));
const gateway = await Gateway.start({ port: 0, dataFile: join(dir, 'gw.sqlite') });
// The workstation signs in as this test account (run.ts).
await ensureTestAccount(gateway, 'Rtt Observer', ['observer']);
console.log(`url ${gateway.url} rle-bytes ${encoded.length}`);
// The longest pause of this event loop in each image's window: how late a 1 ms timer came.
let last = performance.now();
let longest = 0;
setInterval(() => {
  const now = performance.now();
  longest = Math.max(longest, now - last - 1);
  last = now;
}, 1).unref();
/** Each image's window: the longest pause of this event loop, ms. */
const windows: number[] = [];
let n = 1;
let next = part10(n);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'publish') {
    longest = 0;
    gateway.publishImage(
      { source: 'c-store', transferSyntaxUid: TransferSyntax.RLELossless, sopInstanceUid: `2.25.4096${n}`, seriesUid: '2.25.4096', imagesInSeries: null },
      next,
    );
  }
  if (line === 'settled') {
    windows.push(longest);
    next = part10(++n);
  }
  if (line === 'report') {
    console.log(`loop ${windows.map((w) => w.toFixed(1)).join(' ')}`);
    windows.length = 0;
  }
  if (line === 'exit')
    void gateway.close().then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
});
