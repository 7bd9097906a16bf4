import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(repo, 'renderer/src');

/** Packages the renderer may import; everything else (Node built-ins, electron, ws) is out. */
const ALLOWED_PACKAGES = new Set(['react', 'react-dom/client', 'zustand', 'zustand/vanilla', 'zod']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

function importSpecifiers(code: string): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(?\s*['"]([^'"]+)['"]/g)) {
    found.push(match[1] ?? match[2]);
  }
  return found;
}

describe('renderer import boundary', () => {
  const files = sourceFiles(src);

  it('finds the renderer sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [relative(repo, f), f]))('%s imports only allowed packages, its own tree and protocol/', (_name, file) => {
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        const inside = target.startsWith(src + '/') || target.startsWith(join(repo, 'protocol') + '/');
        expect(inside, `${spec} leaves renderer/src and protocol/`).toBe(true);
      } else {
        expect(ALLOWED_PACKAGES.has(spec), `package ${spec} is not allowed in the renderer`).toBe(true);
      }
    }
  });
});
