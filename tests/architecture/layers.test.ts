import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Layer boundaries (DESIGN.md "Parts"), checked on every import specifier. The TypeScript
 * project references enforce the same for the Node layers at build time; this also covers the
 * renderer, which Vite bundles.
 */
const root = resolve(import.meta.dirname, '..', '..');

const RULES: Record<string, { layers: string[]; packages: (spec: string) => boolean; skip?: string[] }> = {
  protocol: { layers: ['protocol'], packages: (s) => s === 'zod' },
  'base/common': { layers: ['base/common'], packages: () => false },
  'base/node': { layers: ['base/node', 'base/common'], packages: (s) => isNode(s) || s === 'better-sqlite3' },
  'native-bridge': { layers: ['native-bridge', 'protocol'], packages: (s) => !isReactOrElectron(s) },
  gateway: { layers: ['gateway', 'protocol', 'base/common', 'base/node', 'native-bridge'], packages: (s) => !isReactOrElectron(s), skip: ['gateway/onsite-ui'] },
  // The onsite console is a web page the gateway serves: browser code like the renderer, and it
  // shares the renderer's WebRTC call module (browser-only code, no process of either side).
  'gateway/onsite-ui': { layers: ['gateway/onsite-ui', 'protocol', 'renderer/src/media'], packages: (s) => !isNode(s) && s !== 'electron' },
  main: { layers: ['main', 'protocol', 'base/common', 'base/node', 'native-bridge'], packages: (s) => !s.startsWith('react') },
  preload: { layers: ['preload', 'protocol'], packages: (s) => s === 'electron' || s === 'zod' },
  renderer: { layers: ['renderer', 'protocol'], packages: (s) => !isNode(s) && s !== 'electron' },
};

function isNode(spec: string): boolean {
  return spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!);
}
function isReactOrElectron(spec: string): boolean {
  return spec === 'react' || spec.startsWith('react-') || spec.startsWith('react/');
}

function sourceFiles(dir: string, skip: string[] = []): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'build' || name === 'dev') continue;
    const path = join(dir, name);
    if (skip.includes(relative(root, path))) continue;
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path, skip));
    else if (/\.(c|m)?tsx?$/.test(name) && !name.endsWith('.d.ts') && name !== 'vite.config.ts') out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specs.push((m[1] ?? m[2] ?? m[3])!);
  }
  return specs;
}

describe('layer boundaries', () => {
  for (const [layer, rule] of Object.entries(RULES)) {
    it(`${layer}/ imports only ${rule.layers.join(', ')} of the project`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(root, layer), rule.skip)) {
        for (const spec of importsOf(file)) {
          if (spec.startsWith('.')) {
            const target = relative(root, resolve(dirname(file), spec)).split(sep).join('/');
            if (!rule.layers.some((l) => target === l || target.startsWith(`${l}/`))) violations.push(`${relative(root, file)} -> ${spec}`);
          } else if (!rule.packages(spec)) {
            violations.push(`${relative(root, file)} -> ${spec}`);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }
});
