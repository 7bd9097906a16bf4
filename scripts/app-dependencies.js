// The packages the shipped app carries: the production (and optional) dependencies of
// app/package.json, with their own dependencies, resolved the way Node resolves them from the
// repository's installed node_modules (the same versions electron-builder puts into the app).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../', import.meta.url));

/** Where `name` resolves from a package directory: node_modules of it, then of each parent. */
function resolvePackage(name, fromDir) {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir || relative(root, parent).startsWith('..')) return null;
    dir = parent;
  }
}

/**
 * Every package of the shipped app as { name, version, license, dir (relative to the repo) }.
 * A missing required dependency is an error (the app would not run); a missing optional one is not.
 */
export function appDependencies(appManifest = join(root, 'app', 'package.json')) {
  const app = JSON.parse(readFileSync(appManifest, 'utf8'));
  const found = new Map();
  const queue = [
    ...Object.keys(app.dependencies ?? {}).map((name) => ({ name, from: root, optional: false })),
    ...Object.keys(app.optionalDependencies ?? {}).map((name) => ({ name, from: root, optional: true })),
  ];
  while (queue.length > 0) {
    const { name, from, optional } = queue.shift();
    const dir = resolvePackage(name, from);
    if (!dir) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${relative(root, from) || 'app'}) is not installed`);
    }
    if (found.has(dir)) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    found.set(dir, { name: manifest.name, version: manifest.version, license: licenseOf(manifest), dir: relative(root, dir).split(sep).join('/') });
    for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false });
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true });
  }
  return [...found.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}

function licenseOf(manifest) {
  if (typeof manifest.license === 'string') return manifest.license;
  if (manifest.license?.type) return manifest.license.type;
  if (Array.isArray(manifest.licenses)) return manifest.licenses.map((l) => l.type ?? l).join(' OR ');
  return null;
}
