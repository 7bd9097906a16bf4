import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * scripts/verify-package.js against binaries that carry Electron's fuse wire (sentinel, version
 * 1, length, one byte per fuse, as @electron/fuses reads and writes it). No Electron binary
 * exists here, so the "binary" is random bytes around a wire in its factory state (every fuse
 * on), flipped by @electron/fuses with the config's settings, exactly as electron-builder does.
 */
const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const fuses = require('@electron/fuses') as {
  flipFuses(path: string, config: object): Promise<unknown>;
  FuseVersion: { V1: string };
  FuseV1Options: Record<string, number>;
};
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

function factoryBinary(): string {
  const file = join(tempDir(), 'larmor');
  writeFileSync(file, Buffer.concat([randomBytes(4096), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('11111111'), randomBytes(4096)]));
  return file;
}

function verify(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'verify-package.js'), ...args], { encoding: 'utf8' });
  return { status: result.status, out: result.stdout + result.stderr };
}

describe('npm run verify-package', () => {
  it('passes a binary whose fuses were set as electron-builder.yml asks', async () => {
    const binary = factoryBinary();
    const o = fuses.FuseV1Options;
    await fuses.flipFuses(binary, {
      version: fuses.FuseVersion.V1,
      [o.RunAsNode!]: false,
      [o.EnableCookieEncryption!]: true,
      [o.EnableNodeOptionsEnvironmentVariable!]: false,
      [o.EnableNodeCliInspectArguments!]: false,
      [o.EnableEmbeddedAsarIntegrityValidation!]: true,
      [o.OnlyLoadAppFromAsar!]: true,
      [o.LoadBrowserProcessSpecificV8Snapshot!]: false,
      [o.GrantFileProtocolExtraPrivileges!]: false,
    });
    const { status, out } = verify(binary);
    expect(out).not.toContain('FAIL');
    expect(status).toBe(0);
  });

  it('fails a binary whose fuses were never set, naming each one', () => {
    const { status, out } = verify(factoryBinary());
    expect(status).toBe(1);
    expect(out).toContain('FAIL RunAsNode is true, expected false');
    expect(out).toContain('FAIL GrantFileProtocolExtraPrivileges is true, expected false');
  });

  it('fails a file that is not an Electron binary', () => {
    const file = join(tempDir(), 'not-electron');
    writeFileSync(file, randomBytes(1024));
    expect(verify(file).status).toBe(1);
  });

  it('says plainly that nothing was verified when no package exists, and does not pass', () => {
    const config = join(tempDir(), 'builder.yml');
    writeFileSync(
      config,
      `productName: Larmor\nelectronVersion: 40.8.5\ndirectories:\n  output: ${join(tempDir(), 'empty-out')}\nelectronFuses:\n  runAsNode: false\n`,
    );
    const missing = verify('--config', config);
    expect(missing.status).toBe(2);
    expect(missing.out).toContain('NOT VERIFIED');
    expect(verify('--config', config, '--allow-missing').status).toBe(0);
  });
});
