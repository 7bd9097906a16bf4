import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pixelDataFrames, readPart10 } from '../../../native-bridge/dicom/index.js';
import { startStorageScp, type RejectedObject, type StorageScp, type StoredImage } from '../../../gateway/dicom-scp/index.js';
import { createSeriesImager } from '../../../gateway/imaging/index.js';
import { sequence, STUDY } from '../imaging/fixtures.js';
import { sendRawDataset } from '../../helpers/raw-store-client.js';
import { seededRandom } from '../../../base/common/random.js';
import { datasetBytesOf, dcmtk, readSample, samplePath, storescu } from './support.js';

const EXPLICIT = '1.2.840.10008.1.2.1';
const IMPLICIT = '1.2.840.10008.1.2';
const RLE = '1.2.840.10008.1.2.5';

/** Pixel Data as sent and as handed on must be the same bytes: native value, or every RLE fragment. */
function expectSamePixelData(received: Uint8Array, sentFile: string): void {
  const got = readPart10(received);
  const sent = readPart10(readSample(sentFile));
  const a = pixelDataFrames(got);
  const b = pixelDataFrames(sent);
  expect(a.encapsulated).toBe(b.encapsulated);
  const flat = (f: typeof a) => (f.encapsulated ? f.frames.flat() : f.frames);
  const gotFrames = flat(a);
  const sentFrames = flat(b);
  expect(gotFrames.length).toBe(sentFrames.length);
  gotFrames.forEach((frame, i) => {
    const diff = frame.findIndex((byte, k) => byte !== sentFrames[i][k]);
    expect(diff, `${sentFile} frame/fragment ${i}: first differing byte`).toBe(-1);
    expect(frame.length).toBe(sentFrames[i].length);
  });
}

describe('DICOM Storage SCP', () => {
  let scp: StorageScp;
  let images: StoredImage[] = [];
  let rejects: RejectedObject[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'larmor-scp-'));
    scp = await startStorageScp({
      port: 0,
      aeTitle: 'LARMOR',
      onImage: (image) => void images.push(image),
      onReject: (error) => void rejects.push(error),
    });
  });
  afterAll(async () => {
    await scp.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    images = [];
    rejects = [];
  });

  it("answers DCMTK's echoscu", async () => {
    const result = await dcmtk('echoscu', ['-aec', 'LARMOR', '127.0.0.1', String(scp.port)]);
    expect(result.ok, result.output).toBe(true);
  });

  it('hands on Explicit VR Little Endian images from storescu with byte-equal pixel data', async () => {
    const files = ['MR_small.dcm', 'CT_small.dcm', 'MR-SIEMENS-DICOM-WithOverlays.dcm', 'MR2_UNCR.dcm', 'emri_small.dcm'];
    const result = await storescu(scp.port, files.map(samplePath));
    expect(result.responses, result.output).toEqual(files.map(() => 'Success'));
    expect(rejects).toEqual([]);
    expect(images.map((i) => i.transferSyntaxUid)).toEqual(files.map(() => EXPLICIT));
    files.forEach((f, i) => expectSamePixelData(images[i].part10, f));
    expect(images[0]).toMatchObject({ sopClassUid: '1.2.840.10008.5.1.4.1.1.4', callingAeTitle: 'STORESCU', filePath: null });
  });

  // A relay between storescu and the SCP that passes the peer's bytes on in pieces of 1 to
  // `largest` bytes, one piece per turn of the event loop: each read into the object's reserved
  // room is partial, headers split across reads, and a command set arrives over many reads of
  // the guard's scratch buffer (each must be copied before the next read lands there).
  it.each([13, 64, 997])(
    'hands on byte-equal pixel data when the bytes trickle in pieces of at most %i bytes (reads straight into the object)',
    async (largest) => {
      const random = seededRandom(largest);
      const relay = createServer((peer) => {
        const upstream = createConnection(scp.port, '127.0.0.1');
        upstream.setNoDelay(true);
        let sending = Promise.resolve();
        peer.on('data', (chunk) => {
          sending = sending.then(async () => {
            for (let offset = 0; offset < chunk.length;) {
              const size = 1 + Math.floor(random() * largest);
              upstream.write(chunk.subarray(offset, offset + size));
              offset += size;
              await new Promise((resolve) => setImmediate(resolve));
            }
          });
        });
        peer.on('end', () => void sending.then(() => upstream.end()));
        upstream.pipe(peer);
        peer.on('error', () => upstream.destroy());
        upstream.on('error', () => peer.destroy());
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      try {
        const files = ['MR_small.dcm', 'MR2_UNCR.dcm'];
        const result = await storescu((relay.address() as AddressInfo).port, files.map(samplePath));
        expect(result.responses, result.output).toEqual(files.map(() => 'Success'));
        expect(rejects).toEqual([]);
        files.forEach((f, i) => expectSamePixelData(images[i]!.part10, f));
      } finally {
        relay.close();
      }
    },
  );

  it('writes a series into a few buffers used again, when the consumer recycles each image', async () => {
    const recycling = await startStorageScp({
      port: 0,
      aeTitle: 'LARMOR',
      onImage: (image) => {
        received.push({ bytes: image.part10.slice(), buffer: image.part10.buffer });
        image.recycle();
      },
      onReject: (error) => void rejects.push(error),
    });
    const received: { bytes: Uint8Array; buffer: ArrayBufferLike }[] = [];
    try {
      const files = Array.from({ length: 6 }, () => samplePath('MR_small.dcm'));
      const result = await storescu(recycling.port, files);
      expect(result.responses, result.output).toEqual(files.map(() => 'Success'));
      received.forEach(({ bytes }) => expectSamePixelData(bytes, 'MR_small.dcm'));
      expect(new Set(received.map((r) => r.buffer)).size).toBeLessThan(received.length);
    } finally {
      await recycling.close();
    }
  });

  it('keeps Implicit VR Little Endian when that is all the peer proposes', async () => {
    const result = await storescu(scp.port, [samplePath('MR_small_implicit.dcm')], ['-xi']);
    expect(result.ok, result.output).toBe(true);
    expect(images).toHaveLength(1);
    expect(images[0].transferSyntaxUid).toBe(IMPLICIT);
    expect(readPart10(images[0].part10).transferSyntaxUid).toBe(IMPLICIT);
    expectSamePixelData(images[0].part10, 'MR_small_implicit.dcm');
  });

  it('keeps RLE Lossless pixel data encapsulated and byte-equal (storescu -R -xr)', async () => {
    const files = ['MR_small_RLE.dcm', 'emri_small_RLE.dcm', 'OBXXXX1A_rle.dcm', 'SC_rgb_rle.dcm', 'SC_rgb_rle_16bit.dcm', 'SC_rgb_rle_2frame.dcm'];
    const result = await storescu(scp.port, files.map(samplePath), ['-R', '-xr']);
    expect(result.responses, result.output).toEqual(files.map(() => 'Success'));
    expect(images.map((i) => i.transferSyntaxUid)).toEqual(files.map(() => RLE));
    files.forEach((f, i) => expectSamePixelData(images[i].part10, f));
  });

  it('hands on files that DCMTK itself reads back as valid', async () => {
    await storescu(scp.port, [samplePath('MR_small.dcm')]);
    await storescu(scp.port, [samplePath('MR_small_RLE.dcm')], ['-R', '-xr']);
    expect(images).toHaveLength(2);
    for (const [k, image] of images.entries()) {
      const file = join(dir, `handed-on-${k}.dcm`);
      await writeFile(file, image.part10);
      const dump = await dcmtk('dcmdump', ['+E', file]);
      expect(dump.ok, dump.output).toBe(true);
      expect(dump.output).not.toMatch(/^E:/m);
    }
  });

  it('reports a truncated data set with a stable code and keeps serving', async () => {
    const result = await sendRawDataset({
      port: scp.port,
      calledAeTitle: 'LARMOR',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.4',
      sopInstanceUid: '1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457',
      transferSyntaxUid: EXPLICIT,
      bytes: datasetBytesOf(readSample('MR_truncated.dcm')),
    });
    expect(result.status).toBe(0xc000);
    expect(rejects).toEqual([expect.objectContaining({ code: 'LARMOR_E_DICOM_TRUNCATED', callingAeTitle: 'RAWSCU' })]);
    expect(images).toEqual([]);
    const after = await storescu(scp.port, [samplePath('MR_small.dcm')]);
    expect(after.ok, after.output).toBe(true);
    expect(images).toHaveLength(1);
  });

  it('refuses non-image objects with a stable code, and the next image in the association still arrives', async () => {
    const sr = join(dir, 'sr.dump');
    await writeFile(
      sr,
      [
        '(0008,0016) UI =BasicTextSRStorage',
        '(0008,0018) UI [2.25.1234567]',
        '(0008,0060) CS [SR]',
        '(0020,000d) UI [2.25.1]',
        '(0020,000e) UI [2.25.2]',
        '(0040,a040) CS [CONTAINER]',
      ].join('\n'),
    );
    const made = await dcmtk('dump2dcm', ['+te', sr, join(dir, 'sr.dcm')]);
    expect(made.ok, made.output).toBe(true);
    // -R: propose exactly the files' SOP classes (storescu's default list has no SEG).
    const result = await storescu(scp.port, [samplePath('liver.dcm'), join(dir, 'sr.dcm'), samplePath('MR_small.dcm')], ['-R']);
    expect(result.responses).toEqual(['Refused: SOPClassNotSupported', 'Refused: SOPClassNotSupported', 'Success']);
    expect(rejects.map((r) => r.code)).toEqual(['LARMOR_E_DICOM_NOT_AN_IMAGE', 'LARMOR_E_DICOM_NOT_AN_IMAGE']);
    expect(rejects[1].sopInstanceUid).toBe('2.25.1234567');
    expect(images).toHaveLength(1);
  });

  it('refuses an association addressed to another AE title', async () => {
    const result = await storescu(scp.port, [samplePath('MR_small.dcm')], [], 'SOMEONE-ELSE');
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/Called AE Title Not Recognized/i);
    expect(images).toEqual([]);
  });

  it("hands on the simulator's images byte-equal in pixel data", async () => {
    const imager = createSeriesImager({ study: STUDY, sequence: sequence('t2'), seriesNumber: 2, seriesUid: '2.25.42', seed: 3 });
    const file = join(dir, 'sim.dcm');
    await writeFile(file, imager.renderSlice(9));
    const result = await storescu(scp.port, [file]);
    expect(result.ok, result.output).toBe(true);
    expect(images).toHaveLength(1);
    expect(images[0].sopInstanceUid).toBe(imager.sliceInfo(9).sopInstanceUid);
    const sent = readPart10(new Uint8Array(await readFile(file))).dataset.get(0x7fe00010)!.bytes;
    const got = readPart10(images[0].part10).dataset.get(0x7fe00010)!.bytes;
    expect(Buffer.from(got).equals(Buffer.from(sent))).toBe(true);
  });
});

describe('DICOM Storage SCP options', () => {
  it('writes to disk only when asked, under a sanitised name, never leaving partial files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'larmor-scp-store-'));
    const stored: StoredImage[] = [];
    const scp = await startStorageScp({ port: 0, aeTitle: 'LARMOR', storeDirectory: dir, onImage: (i) => void stored.push(i), onReject: () => {} });
    try {
      const result = await storescu(scp.port, [samplePath('MR_small.dcm')]);
      expect(result.ok, result.output).toBe(true);
      const uid = '1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457';
      expect(await readdir(dir)).toEqual([`${uid}.dcm`]);
      expect(stored[0].filePath).toBe(join(dir, `${uid}.dcm`));
      expect(Buffer.from(await readFile(stored[0].filePath!)).equals(Buffer.from(stored[0].part10))).toBe(true);
    } finally {
      await scp.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers a processing failure and reports it when the image handler throws', async () => {
    const rejects: RejectedObject[] = [];
    const scp = await startStorageScp({
      port: 0,
      aeTitle: 'LARMOR',
      onImage: () => {
        throw new Error('pipeline is full');
      },
      onReject: (e) => void rejects.push(e),
    });
    try {
      const result = await storescu(scp.port, [samplePath('MR_small.dcm')]);
      expect(result.responses).toEqual(['Refused: OutOfResources']);
      expect(rejects).toEqual([expect.objectContaining({ code: 'LARMOR_E_DICOM_HANDLER_FAILED' })]);
      expect(rejects[0].message).toContain('pipeline is full');
    } finally {
      await scp.close();
    }
  });

  it('refuses an object over the size limit and stays up', async () => {
    const rejects: RejectedObject[] = [];
    const scp = await startStorageScp({ port: 0, aeTitle: 'LARMOR', maxObjectBytes: 4096, onImage: () => {}, onReject: (e) => void rejects.push(e) });
    try {
      const result = await storescu(scp.port, [samplePath('MR_small.dcm')]);
      expect(result.responses).toEqual(['Refused: OutOfResources']);
      expect(rejects.map((r) => r.code)).toEqual(['LARMOR_E_DICOM_TOO_LARGE']);
      expect((await dcmtk('echoscu', ['-aec', 'LARMOR', '127.0.0.1', String(scp.port)])).ok).toBe(true);
    } finally {
      await scp.close();
    }
  });

  it('frees its port on close, dropping open associations', async () => {
    const scp = await startStorageScp({ port: 0, aeTitle: 'LARMOR', onImage: () => {}, onReject: () => {} });
    const idle = createConnection(scp.port, '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    const closedIdle = new Promise((resolve) => idle.once('close', resolve));
    await scp.close();
    await closedIdle;
    const refused = await new Promise<boolean>((resolve) => {
      const probe = createConnection(scp.port, '127.0.0.1');
      probe.once('connect', () => (probe.destroy(), resolve(false)));
      probe.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
