/**
 * The receiver answers a C-STORE before the image is encoded and published (docs/architecture.md
 * "The image's path"): a gateway stopped in the middle of a push still publishes every image it
 * told the scanner was stored, since its stop waits for the pipeline to finish them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTLE_BUDGET_MS, useGatewayFixture } from '../../helpers/gateway.js';
import { watchPublishedImages } from '../../helpers/published-images.js';
import { mrImage } from '../../helpers/mr-images.js';

const f = useGatewayFixture();
const IMAGES = 60;
let dir: string | null = null;

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('a gateway stopped during a push', () => {
  it('publishes every image it answered with Success', async () => {
    const gateway = await f.start({ dicom: { port: 0 } });
    // What goes to every workstation, as the pipeline hands it over.
    const published = new Set<string>();
    watchPublishedImages(gateway, (header) => published.add(header.sopInstanceUid));
    dir = mkdtempSync(join(tmpdir(), 'larmor-ingest-stop-'));
    const files: string[] = [];
    for (let i = 1; i <= IMAGES; i++) {
      files.push(join(dir, `mr-${String(i).padStart(3, '0')}.dcm`));
      writeFileSync(files.at(-1)!, mrImage(1, i, { rows: 256, columns: 256 }));
    }
    // -v: storescu says each response it got, in the order it sent the files.
    const scu = spawn('storescu', ['-v', '-aec', 'LARMOR', '-aet', 'STORESCU', '127.0.0.1', String(gateway.imaging!.dicomPort!), ...files]);
    let output = '';
    const answered = () => (output.match(/Received Store Response \(Success\)/g) ?? []).length;
    const exited = new Promise((resolve) => scu.once('exit', resolve));
    scu.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    scu.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Stopped as soon as a few were answered, while the next are on their way.
    await expect.poll(answered, { timeout: SETTLE_BUDGET_MS }).toBeGreaterThanOrEqual(3);
    await f.stop();
    await exited;

    const told = answered();
    expect(told).toBeLessThan(IMAGES); // stopped in the middle, not after the push
    const missing = Array.from({ length: told }, (_, i) => `2.25.1.1.${i + 1}`).filter((uid) => !published.has(uid));
    expect(missing).toEqual([]);
  });
});
