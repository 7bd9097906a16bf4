import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules, createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What `npm run dist` puts into the app: scripts/stage-app.js run into a temporary directory
 * over the current build (npm test builds dist/ first), checked against app/package.json and
 * electron-builder's asarUnpack patterns (matched with minimatch, as electron-builder does).
 */
const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const built = existsSync(join(root, 'dist', 'main', 'electron', 'main.js')) && existsSync(join(root, 'dist', 'renderer', 'index.html'));
const appPackage = JSON.parse(readFileSync(join(root, 'app', 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies?: unknown;
};
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const config = (require('js-yaml') as { load(t: string): { asarUnpack: string[] } }).load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));
const { minimatch } = require('minimatch') as { minimatch(path: string, pattern: string, options?: object): boolean };

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe.skipIf(!built)('staged app', () => {
  let staged: string[] = [];
  let out = '';
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'larmor-stage-'));
    out = join(dir, 'app');
    execFileSync(process.execPath, [join(root, 'scripts', 'stage-app.js'), '--out', out], { stdio: 'ignore' });
    staged = files(out).map((f) => relative(out, f).split(sep).join('/'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the Electron entry, the preload and the renderer page', () => {
    expect(staged).toContain(appPackage.main);
    expect(staged).toContain('dist/preload/preload.cjs');
    expect(staged).toContain('dist/main/start/gateway-utility-entry.js');
    expect(staged).toContain('dist/renderer/index.html');
  });

  it('ships nothing from tests, no source maps and no declarations', () => {
    expect(staged.filter((f) => /(^|\/)tests?\/|\.test\.|\.map$|\.d\.ts$|\.tsbuildinfo$/.test(f))).toEqual([]);
  });

  it('declares no development dependency as a runtime one', () => {
    expect(appPackage.devDependencies).toBeUndefined();
    const dev = new Set(Object.keys(rootPackage.devDependencies));
    expect(Object.keys(appPackage.dependencies).filter((d) => dev.has(d))).toEqual([]);
  });

  it('declares every package the shipped code imports', () => {
    const declared = new Set([...Object.keys(appPackage.dependencies), 'electron']);
    const missing = new Set<string>();
    for (const file of staged.filter((f) => /\.(c|m)?js$/.test(f) && !f.startsWith('dist/renderer/') && !f.startsWith('dist/gateway/onsite'))) {
      const text = readFileSync(join(out, file), 'utf8');
      for (const m of text.matchAll(
        /(?:^|[^.\w])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g,
      )) {
        const spec = (m[1] ?? m[2] ?? m[3])!;
        if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!declared.has(name)) missing.add(`${name} (${file})`);
      }
    }
    expect([...missing]).toEqual([]);
  });

  it('unpacks the RLE addon and better-sqlite3 from the asar archive', () => {
    const unpacked = (path: string) => config.asarUnpack.some((pattern) => minimatch(path, pattern, { dot: true }));
    const addon = staged.find((f) => f.endsWith('larmor_rle.node'));
    if (addon) expect(unpacked(addon)).toBe(true);
    expect(unpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(unpacked('node_modules/better-sqlite3/lib/database.js')).toBe(true);
    expect(unpacked('dist/main/electron/main.js')).toBe(false);
  });
});
