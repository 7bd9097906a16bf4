// Stages the runtime app for electron-builder: the build output and the RLE addon, copied into
// app/ (electron-builder's app directory, beside app/package.json, the shipped package).
//   node scripts/stage-app.js [--out DIR]     (default: app/; --out stages a copy elsewhere, for tests)
// Only what runs ships: no source maps, declaration files or build info, and nothing of tests/
// (tests are never compiled into dist/; checked again here). The app's node_modules are
// installed by electron-builder from app/package.json (production dependencies only).
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = resolve(values.out ?? join(root, 'app'));

const dist = join(root, 'dist');
if (!existsSync(join(dist, 'main', 'electron', 'main.js'))) {
  console.error('stage-app: dist/ has no Electron main; run `npm run build` first');
  process.exit(1);
}
if (!existsSync(join(dist, 'renderer', 'index.html'))) {
  console.error('stage-app: dist/renderer is missing; run `npm run build` first');
  process.exit(1);
}

const shipped = (path) =>
  !/\.(map|tsbuildinfo)$/.test(path) &&
  !path.endsWith('.d.ts') &&
  !path.split(sep).some((part) => part === 'tests' || part === '__tests__') &&
  !/\.test\.[cm]?js$/.test(path);

mkdirSync(out, { recursive: true });
rmSync(join(out, 'dist'), { recursive: true, force: true });
cpSync(dist, join(out, 'dist'), { recursive: true, filter: shipped });
rmSync(join(out, 'native-bridge'), { recursive: true, force: true });
const addon = join(root, 'native-bridge', 'build', 'Release', 'larmor_rle.node');
if (existsSync(addon)) {
  mkdirSync(join(out, 'native-bridge', 'build', 'Release'), { recursive: true });
  cpSync(addon, join(out, 'native-bridge', 'build', 'Release', 'larmor_rle.node'));
} else {
  console.warn('stage-app: no RLE addon built; the app will use the TypeScript codec');
}
if (out !== join(root, 'app')) cpSync(join(root, 'app', 'package.json'), join(out, 'package.json'));
console.log(`staged dist/ into ${out} for electron-builder`);
