import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Error codes are written once, in protocol/errors.ts; everywhere else names them through
 * `ErrorCode.X`. A string or regex literal that starts with LARMOR_E_ outside protocol/ is a code
 * typed by hand, which drifts. Tests are exempt: they pin the wire strings on purpose, and
 * tests/protocol/errors.test.ts checks every code they name is in the registry.
 */
const root = resolve(import.meta.dirname, '..', '..');
const SKIP = new Set(['node_modules', 'dist', 'build', 'out', '.git', 'protocol', 'tests', 'app', '.larmor', '.data']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) && dir === root) continue;
    if (name === 'node_modules' || name === 'build' || name === '.data') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(c|m)?(t|j)sx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

describe('error code literals', () => {
  it("no 'LARMOR_E_ literal is written outside protocol/", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(root)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/['"`/]LARMOR_E_/.test(line)) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
