import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../helpers/dicom-samples.js';

/**
 * Every benchmark in bench/ runs to its table, on the smallest input it takes. The README's
 * figures come from these commands; a benchmark that no longer runs (a protocol message it
 * waited for was renamed, a limit it reaches was added, a helper it imports needs vitest) leaves
 * them unrepeatable, and nothing else would say so. What they measure is not checked here: a
 * benchmark is read, on a quiet machine, not timed in a test.
 */
const ROOT = join(import.meta.dirname, '..', '..');

const BENCHES: [string, string[]][] = [
  ['audit', ['--rows', '2000', '--appends', '50']],
  ['catalogue-storm', ['--images', '10', '--clients', '2']],
  ['collab', ['--runs', '5']],
  ['decode-burst', ['--images', '3', '--bursts', '2']],
  ['decode-rtt', ['--images', '1']],
  ['desk', ['--scanners', '2', '--seconds', '2', '--marks', '2']],
  ['dicom-parse', ['--rounds', '1', '--samples', SAMPLES_DIR]],
  ['exam-catch-up', ['--held', '20', '--live', '5']],
  ['failover', ['--cuts', '2', '--failovers', '1', '--commands', '50', '--duration-s', '3']],
  ['flood', ['--connections', '200']],
  ['identity', ['--runs', '2']],
  ['identity-sso', ['--sign-ins', '2']],
  ['ingest', ['--images', '20', '--rounds', '1']],
  ['journal-memory', ['--rounds', '1', '--images', '200']],
  ['large-image', ['--rounds', '1']],
  ['load', ['--minutes', '0.2', '--observers', '2']],
  ['media', ['--duration', '5']],
  ['notice-burst', ['--notices', '100', '--rounds', '1']],
  ['onsite-images', []],
  ['preview-latency', ['--images', '3']],
  ['rle', ['--rounds', '1']],
  ['shell-images', []],
];

function run(bench: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', bench, 'run.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('benchmarks', () => {
  it('lists every benchmark in bench/', () => {
    const benches = readdirSync(join(ROOT, 'bench')).filter((dir) => existsSync(join(ROOT, 'bench', dir, 'run.ts')));
    expect(BENCHES.map(([bench]) => bench).sort()).toEqual(benches.sort());
  });

  it.each(BENCHES)('bench/%s runs to its table (%j)', async (bench, args) => {
    const { code, output } = await run(bench, args);
    expect(code, output.slice(-4000)).toBe(0);
    // The rule under a table's header, in any of the benchmarks' ways of printing one: dashes
    // between columns (bench/lib/stats.ts printTable), with bars, or console.table's.
    expect(output).toMatch(/^[-─ |├┼]*[-─]{3,}[ |├┼]+[-─]+[-─ |├┤┼]*$/m);
  });
});
