import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { PreviewImage } from '../../protocol/index.js';
import { Tag, pixelDataFrames, readPart10 } from '../../native-bridge/dicom/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { launchChromium } from '../helpers/browser.js';
import { storescu } from '../helpers/dcmtk.js';
import { sendRawDataset } from '../helpers/raw-store-client.js';
import { SAMPLES_DIR, sample } from '../helpers/dicom-samples.js';
import { startTestGateway } from '../helpers/gateway.js';
import { startWorkstation } from '../helpers/shell.js';
import { connectWorkstationPage } from '../helpers/onsite-page.js';

let gateway: Gateway;
let browser: Browser;
let page: Page;
let workstation: Awaited<ReturnType<typeof startWorkstation>>;
const received: PreviewImage[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({ dicom: { port: 0 } });
  workstation = await startWorkstation(gateway.url);
  workstation.core.on('image', (image) => received.push(image));
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(workstation.shell.url);
  await connectWorkstationPage(page, gateway, 'observer', 'Reader');
});

afterAll(async () => {
  await browser?.close();
  await workstation?.close();
  await gateway?.close();
});

/** The dataset of a Part 10 file as it travels over DIMSE: everything after group 0002. */
function datasetOf(part10: Uint8Array): Uint8Array {
  const groupLength = new DataView(part10.buffer, part10.byteOffset).getUint32(140, true);
  return part10.subarray(144 + groupLength);
}

/** Offset of the first RLE fragment's header: after the Pixel Data item tags and the empty offset table. */
function findRleHeader(dataset: Uint8Array): number {
  for (let i = dataset.length - 8; i >= 0; i--) {
    // (7FE0,0010) OB with undefined length
    if (
      dataset[i] === 0xe0 &&
      dataset[i + 1] === 0x7f &&
      dataset[i + 2] === 0x10 &&
      dataset[i + 3] === 0x00 &&
      dataset[i + 4] === 0x4f &&
      dataset[i + 5] === 0x42
    ) {
      const bot = i + 12; // item tag + length of the Basic Offset Table
      const botLength = new DataView(dataset.buffer, dataset.byteOffset).getUint32(bot + 4, true);
      return bot + 8 + botLength + 8; // skip the table, then the first fragment's item header
    }
  }
  throw new Error('no encapsulated Pixel Data');
}

/** PS3.3 C.11.2.1.2.1: the linear VOI LUT function, to 8-bit output. */
function linearVoi(x: number, center: number, width: number): number {
  if (x <= center - 0.5 - (width - 1) / 2) return 0;
  if (x > center - 0.5 + (width - 1) / 2) return 255;
  return ((x - (center - 0.5)) / (width - 1) + 0.5) * 255;
}

describe('images pushed by DCMTK storescu reach the viewer', () => {
  it('shows an uncompressed MR image with its pixel data unchanged and the expected grey values at its own window', async () => {
    await storescu(gateway.imaging!.dicomPort!, [join(SAMPLES_DIR, 'MR_small.dcm')]);
    await expect.poll(() => received.length).toBe(1);

    const original = readPart10(sample('MR_small.dcm'));
    const frames = pixelDataFrames(original);
    const stored = frames.encapsulated ? null : frames.frames[0]!;
    expect(Buffer.from(received[0]!.pixels).equals(Buffer.from(stored!))).toBe(true);

    const canvas = page.getByTestId('viewport-canvas');
    await expect.poll(() => canvas.getAttribute('data-series-uid')).toBe(original.dataset.string(0x0020000e));
    expect(await canvas.getAttribute('data-window-center')).toBe('600');
    expect(await canvas.getAttribute('data-window-width')).toBe('1600');

    const grey = await page.evaluate(() => {
      const c = document.querySelector('[data-testid="viewport-canvas"]') as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const out: number[] = [];
      for (let i = 0; i < data.length; i += 4) out.push(data[i]!);
      return { width: c.width, height: c.height, values: out };
    });
    expect([grey.width, grey.height]).toEqual([64, 64]);
    const values = new Int16Array(stored!.buffer.slice(stored!.byteOffset, stored!.byteOffset + stored!.byteLength));
    const rows = original.dataset.number(Tag.Rows)!;
    let worst = 0;
    for (let i = 0; i < rows * rows; i++) worst = Math.max(worst, Math.abs(grey.values[i]! - linearVoi(values[i]!, 600, 1600)));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('shows an RLE Lossless image sent with -R -xr, decoded to the pixels of its uncompressed twin', async () => {
    const before = received.length;
    await storescu(gateway.imaging!.dicomPort!, [join(SAMPLES_DIR, 'MR_small_RLE.dcm')], { rle: true });
    await expect.poll(() => received.length).toBe(before + 1);
    const twin = pixelDataFrames(readPart10(sample('MR_small.dcm')));
    expect(Buffer.from(received.at(-1)!.pixels).equals(Buffer.from(twin.frames[0] as Uint8Array))).toBe(true);
  });

  it('refuses a truncated file with a message in the event log, and the session carries on', async () => {
    // storescu will not read a truncated file, so a raw SCU plays the faulty scanner.
    await sendRawDataset({
      port: gateway.imaging!.dicomPort!,
      calledAeTitle: 'LARMOR',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.4',
      sopInstanceUid: '2.25.4242',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      bytes: datasetOf(sample('MR_truncated.dcm')),
    });
    await expect.poll(() => page.getByTestId('event-log').textContent()).toMatch(/refused.*LARMOR_E_DICOM_TRUNCATED/);
    const before = received.length;
    await storescu(gateway.imaging!.dicomPort!, [join(SAMPLES_DIR, 'MR_small_implicit.dcm')]);
    await expect.poll(() => received.length).toBe(before + 1);
  });

  it('refuses corrupt RLE where it is decoded, with the codec error code, and carries on', async () => {
    const file = sample('MR_small_RLE.dcm');
    const corrupt = datasetOf(file).slice();
    // The RLE header's segment count (PS3.5 G.5) is the first 4 bytes of the first fragment:
    // make it 99 so the decoder must refuse the frame before writing a byte.
    const header = findRleHeader(corrupt);
    new DataView(corrupt.buffer, corrupt.byteOffset).setUint32(header, 99, true);
    await sendRawDataset({
      port: gateway.imaging!.dicomPort!,
      calledAeTitle: 'LARMOR',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.4',
      sopInstanceUid: readPart10(file).dataset.string(Tag.SOPInstanceUID)!,
      transferSyntaxUid: '1.2.840.10008.1.2.5',
      bytes: corrupt,
    });
    await expect.poll(() => page.getByTestId('event-log').textContent()).toMatch(/image refused: LARMOR_E_RLE_BAD_SEGMENT_COUNT/);
    const before = received.length;
    await storescu(gateway.imaging!.dicomPort!, [join(SAMPLES_DIR, 'MR_small.dcm')]);
    await expect.poll(() => received.length).toBe(before + 1);
  });
});
