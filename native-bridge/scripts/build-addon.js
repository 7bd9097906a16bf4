#!/usr/bin/env node
/**
 * Builds the RLE Lossless N-API addon (native-bridge/build/Release/larmor_rle.node) for the Node
 * that runs this script; run by the root package.json "install" script.
 *
 * It never fails the install: without a compiler, Python or Node headers the codec falls back to
 * its TypeScript implementation, and this script says so in one line and exits 0. It builds for
 * Node only: npm_config_runtime/target/disturl (set when npm is pointed at Electron) are dropped,
 * because rebuilding for Electron is the packaging script's job (N-API is ABI-stable anyway).
 * Works offline when the Node headers are installed next to the node binary (Debian's nodejs,
 * official tarballs): they are passed to node-gyp as --nodedir instead of being downloaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bridgeDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FALLBACK_NOTE = 'native-bridge: RLE addon not built; the TypeScript fallback will be used';

/** node-gyp's entry script: the project's, npm's own bundled copy, or the global npm's. */
function findNodeGyp() {
  const candidates = [];
  try {
    candidates.push(createRequire(join(bridgeDir, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a dependency of the project; try npm's own copy
  }
  if (process.env.npm_execpath) {
    candidates.push(resolve(dirname(process.env.npm_execpath), '../node_modules/node-gyp/bin/node-gyp.js'));
  }
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  candidates.push(join(dirname(process.execPath), 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  return candidates.find((path) => existsSync(path));
}

/** Headers installed beside the node binary, so node-gyp needs no download. */
function findNodeDir() {
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include/node/node_api.h')) ? prefix : undefined;
}

function buildEnvironment() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    const lower = key.toLowerCase();
    if (lower === 'npm_config_runtime' || lower === 'npm_config_target' || lower === 'npm_config_disturl') delete env[key];
  }
  return env;
}

function main() {
  if (process.env.LARMOR_SKIP_NATIVE_BUILD === '1') {
    console.log(`${FALLBACK_NOTE} (LARMOR_SKIP_NATIVE_BUILD=1)`);
    return;
  }
  const nodeGyp = findNodeGyp();
  const args = nodeGyp ? [nodeGyp] : [];
  const command = nodeGyp ? process.execPath : 'node-gyp';
  args.push('rebuild', '--release', '--jobs=2');
  const nodeDir = findNodeDir();
  if (nodeDir) args.push(`--nodedir=${nodeDir}`);

  const result = spawnSync(command, args, {
    cwd: bridgeDir,
    env: buildEnvironment(),
    encoding: 'utf8',
    timeout: 5 * 60 * 1000,
    shell: false,
  });
  const log = `$ ${command} ${args.join(' ')}\n${result.stdout ?? ''}\n${result.stderr ?? ''}\n${result.error ?? ''}\n`;
  const built = result.status === 0 && existsSync(join(bridgeDir, 'build/Release/larmor_rle.node'));
  try {
    mkdirSync(join(bridgeDir, 'build'), { recursive: true });
    writeFileSync(join(bridgeDir, 'build/build-addon.log'), log);
  } catch {
    // the log is a convenience only
  }
  if (built) {
    console.log('native-bridge: RLE addon built (native-bridge/build/Release/larmor_rle.node)');
  } else {
    const why = result.error ? result.error.message : `node-gyp exited with ${result.status ?? result.signal}`;
    console.log(`${FALLBACK_NOTE} (${why}; see native-bridge/build/build-addon.log)`);
  }
}

try {
  main();
} catch (error) {
  console.log(`${FALLBACK_NOTE} (${error instanceof Error ? error.message : String(error)})`);
}
process.exit(0);
