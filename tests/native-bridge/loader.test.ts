import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAddonFrom, selectRle, typescriptRle } from '../../native-bridge/index.js';
import { nativeCodec } from './support/implementations.js';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'larmor-loader-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('implementation selection', () => {
  it('uses the TypeScript fallback when LARMOR_NO_NATIVE=1, even with the addon present', () => {
    expect(selectRle({ LARMOR_NO_NATIVE: '1' }, () => nativeCodec)).toBe(typescriptRle);
  });

  it('falls back when the addon is missing', () => {
    expect(selectRle({}, () => undefined)).toBe(typescriptRle);
  });

  it.runIf(nativeCodec !== undefined)('prefers the addon when it loads', () => {
    expect(selectRle({}, () => nativeCodec).implementation).toBe('native');
  });

  it('reports an addon file that fails to load instead of throwing', () => {
    const bogus = join(work, 'larmor_rle.node');
    writeFileSync(bogus, 'not a shared object');
    const result = loadAddonFrom(bogus);
    expect(result.codec).toBeUndefined();
    expect(result.error).toMatch(/failed to load/);
    expect(loadAddonFrom(join(work, 'absent.node')).error).toMatch(/not built/);
  });

  it('honours LARMOR_NO_NATIVE=1 in a fresh process', () => {
    const script = "import { rle } from './native-bridge/index.ts'; console.log(rle.implementation);";
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, LARMOR_NO_NATIVE: '1' },
      encoding: 'utf8',
    });
    expect(output.trim()).toBe('typescript');
  });
});

describe('install-time build script', () => {
  it('exits 0 with one line naming the fallback when the addon cannot be built', () => {
    const bridge = join(work, 'native-bridge');
    mkdirSync(join(bridge, 'src'), { recursive: true });
    cpSync(join(ROOT, 'native-bridge/scripts'), join(bridge, 'scripts'), { recursive: true });
    writeFileSync(join(bridge, 'binding.gyp'), JSON.stringify({ targets: [{ target_name: 'larmor_rle', sources: ['src/broken.cc'] }] }));
    writeFileSync(join(bridge, 'src/broken.cc'), 'this is not C++;\n');
    const result = spawnSync(process.execPath, [join(bridge, 'scripts/build-addon.js')], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toContain('the TypeScript fallback will be used');
  });
});
