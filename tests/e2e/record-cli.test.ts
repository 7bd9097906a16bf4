import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Tag, pixelDataFrames, readPart10 } from '../../native-bridge/dicom/index.js';
import { rle } from '../../native-bridge/index.js';
import type { Gateway } from '../../gateway/server/gateway.js';
import { storescu } from '../helpers/dcmtk.js';
import { SAMPLES_DIR, sample } from '../helpers/dicom-samples.js';
import { startTestGateway } from '../helpers/gateway.js';
import { TEST_PASSWORD, testUserId } from '../helpers/accounts.js';
import { tempDir } from '../helpers/temp-dir.js';

const LARMOR = join(import.meta.dirname, '..', '..', 'bin', 'larmor.js');

let gateway: Gateway | undefined;
afterEach(async () => gateway?.close());

function lines(file: string): { type: string; at: string; [k: string]: unknown }[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

function decodedPixels(part10: Uint8Array): Uint8Array {
  const file = readPart10(part10);
  const frames = pixelDataFrames(file);
  if (!frames.encapsulated) return frames.frames[0]!;
  return rle.decode(frames.frames[0]!, { rows: file.dataset.number(Tag.Rows)!, columns: file.dataset.number(Tag.Columns)!, samplesPerPixel: 1, bitsAllocated: file.dataset.number(Tag.BitsAllocated)! });
}

describe('larmor record (the built CLI, as a process)', () => {
  it('records link, scanner and image events and the received images, then exits 0 on SIGINT with the file complete', async () => {
    gateway = await startTestGateway({ dicom: { port: 0 } });
    const out = tempDir();
    const child = spawn(process.execPath, [LARMOR, 'record', '--gateway', gateway.url, '--out', out, '--role', 'observer', '--user', testUserId('Observer'), '--password-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.end(`${TEST_PASSWORD}\n`);
    const events = join(out, 'events.jsonl');
    await expect.poll(() => lines(events).some((e) => e.type === 'link' && e.status === 'connected'), { timeout: 20_000 }).toBe(true);

    await storescu(gateway.imaging!.dicomPort!, [join(SAMPLES_DIR, 'MR_small.dcm')]);
    await expect.poll(() => lines(events).some((e) => e.type === 'image'), { timeout: 20_000 }).toBe(true);

    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);

    const recorded = lines(events);
    for (const e of recorded) {
      expect(typeof e.type).toBe('string');
      expect(new Date(e.at).toISOString()).toBe(e.at);
    }
    expect(recorded.map((e) => e.type)).toEqual(expect.arrayContaining(['link', 'scanner', 'image']));
    const files = readdirSync(join(out, 'images'));
    expect(files).toHaveLength(1);
    const saved = new Uint8Array(readFileSync(join(out, 'images', files[0]!)));
    expect(Buffer.from(decodedPixels(saved)).equals(Buffer.from(decodedPixels(sample('MR_small.dcm'))))).toBe(true);
  });
});
