/**
 * What the workstation's journal costs in memory over a day of images: 20 journals (a training
 * class's workstations, as bench/load runs them in one process) each taking what a live image
 * leaves behind (its event row and its image row), 12,000 images, a turn of the event loop per
 * image. Each page-cache size runs in a fresh process, alternating, and prints its RSS growth
 * after a full collection; SQLite's default page cache (2 MB) is the reference.
 *   npx tsx bench/journal-memory/run.ts [--rounds 2] [--images 12000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../main/journal/journal.js';
import { printTable } from '../lib/stats.js';
import { numberArg } from '../lib/args.js';

const IMAGES = numberArg('--images', 12_000);
const JOURNALS = 20;

/** One measurement, in this process: RSS growth in MB with the given PRAGMA cache_size (null: as Journal.open sets it). */
async function measure(cacheSize: string | null): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'larmor-journal-memory-'));
  const journals = Array.from({ length: JOURNALS }, (_, i) => Journal.open(join(dir, `workstation-${i + 1}.sqlite`)));
  // The benchmark's reference reaches past the module: its one connection is private.
  if (cacheSize !== null) for (const j of journals) (j as unknown as { db: { pragma(s: string): void } }).db.pragma(`cache_size = ${cacheSize}`);
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  const before = process.memoryUsage().rss;
  for (let seq = 1; seq <= IMAGES; seq++) {
    const at = new Date().toISOString();
    // As the core records a live image: its event, then the image (main/core/workstation-core.ts).
    const event = { type: 'event', at, seq, kind: 'image' };
    const image = {
      type: 'image',
      at,
      seq,
      sopInstanceUid: `1.2.826.0.1.3680043.8.498.${seq}.${Math.floor(Math.random() * 1e12)}`,
      seriesUid: '1.2.826.0.1.3680043.8.498.55555555',
      transferSyntaxUid: '1.2.840.10008.1.2.5',
      bytes: 180_000,
      source: 'c-store',
    };
    for (const journal of journals) {
      journal.record(event);
      journal.record(image);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  gc();
  const grown = (process.memoryUsage().rss - before) / 1e6;
  for (const journal of journals) journal.close();
  rmSync(dir, { recursive: true, force: true });
  return grown;
}

if (process.argv[2] === '--one') {
  const cacheSize = process.argv[3] === 'as-opened' ? null : process.argv[3]!;
  process.stdout.write(String(await measure(cacheSize)));
} else {
  const rounds = numberArg('--rounds', 2);
  const settings: [label: string, cacheSize: string][] = [
    ['SQLite default, 2 MB (reference)', '-2000'],
    ['as Journal.open sets it', 'as-opened'],
  ];
  const grown = new Map<string, number[]>(settings.map(([label]) => [label, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [label, cacheSize] of settings) {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, '--one', cacheSize, '--images', String(IMAGES)]);
      grown.get(label)!.push(Number(out.toString()));
    }
  }
  console.log(`${JOURNALS} journals, ${IMAGES} images each (two rows an image), ${rounds} rounds alternating\n`);
  printTable(
    ['page cache', 'RSS growth MB, each round', 'per journal MB (mean)'],
    settings.map(([label]) => {
      const values = grown.get(label)!;
      return [label, values.map((v) => v.toFixed(0)).join(' '), values.reduce((a, b) => a + b, 0) / values.length / JOURNALS];
    }),
  );
}
