// Reads the Electron fuses back from packaged binaries and compares them with
// electron-builder.yml's electronFuses (what `npm run dist` was asked to set).
//   node scripts/verify-package.js [--allow-missing] [BINARY...]
// Without BINARY it looks in out/ for the unpacked apps electron-builder leaves beside the
// installers (linux-unpacked/larmor, win-unpacked/Larmor.exe, mac/Larmor.app...).
// Exit status: 0 every fuse as configured; 1 a fuse differs (or a binary has no fuse wire);
// 2 no packaged binary found: nothing was verified, which must not pass as success. Where no
// Electron binary can be obtained (no download host), --allow-missing turns that into 0 with
// the same NOT VERIFIED message.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');
const yaml = require('js-yaml');

const root = fileURLToPath(new URL('../', import.meta.url));
const { values, positionals } = parseArgs({ options: { 'allow-missing': { type: 'boolean' }, config: { type: 'string' } }, allowPositionals: true });
const config = yaml.load(readFileSync(values.config ?? join(root, 'electron-builder.yml'), 'utf8'));
const product = config.productName ?? 'Larmor';

/** electron-builder's key (runAsNode) to @electron/fuses' enum name (RunAsNode). */
const expected = Object.entries(config.electronFuses ?? {}).map(([key, on]) => {
  const name = key[0].toUpperCase() + key.slice(1);
  if (!(name in FuseV1Options)) throw new Error(`electron-builder.yml names an unknown fuse: ${key}`);
  return { name, index: FuseV1Options[name], on };
});

function packagedBinaries() {
  const outDir = resolve(root, config.directories?.output ?? 'out');
  if (!existsSync(outDir)) return [];
  const found = [];
  for (const dir of readdirSync(outDir)) {
    const candidates = [join(outDir, dir, product.toLowerCase()), join(outDir, dir, `${product}.exe`), join(outDir, dir, `${product}.app`)];
    for (const path of candidates) if (/-unpacked$|^mac/.test(dir) && existsSync(path)) found.push(path);
  }
  return found;
}

const binaries = positionals.length > 0 ? positionals : packagedBinaries();
if (binaries.length === 0) {
  console.log(
    `verify-package: NOT VERIFIED: no packaged ${product} binary under ${config.directories?.output ?? 'out'}/ (run \`npm run dist\` on a machine that can download Electron ${config.electronVersion})`,
  );
  process.exit(values['allow-missing'] ? 0 : 2);
}

let failed = false;
for (const binary of binaries) {
  let wire;
  try {
    wire = await getCurrentFuseWire(binary);
  } catch (err) {
    console.log(`${binary}: FAIL: ${err.message}`);
    failed = true;
    continue;
  }
  for (const fuse of expected) {
    const state = wire[fuse.index];
    const actual = state === 49 ? true : state === 48 ? false : state === 114 ? 'removed' : 'absent';
    const ok = actual === fuse.on || (actual === 'removed' && fuse.on === false);
    if (!ok) failed = true;
    console.log(`${binary}: ${ok ? 'ok  ' : 'FAIL'} ${fuse.name} is ${actual}, expected ${fuse.on}`);
  }
}
process.exit(failed ? 1 : 0);
