import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions, decideUpdate, parseUpdateYaml, updateFeedFromPolicy, verifyDownloadedUpdate } from '../../../main/electron/update-decision.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A real installer-sized file and its sha512 as electron-builder publishes it (base64), computed by openssl. */
function installer(name = 'Larmor-Setup-0.2.0.exe'): { file: string; sha512: string } {
  const file = join(tempDir(), name);
  writeFileSync(file, randomBytes(3 * 1024 * 1024));
  const sha512 = execFileSync('sh', ['-c', `openssl dgst -sha512 -binary '${file}' | base64 -w0`])
    .toString()
    .trim();
  return { file, sha512 };
}

function latestYml(version: string, sha512: string, extra = ''): string {
  return [
    `version: ${version}`,
    'files:',
    `  - url: Larmor-Setup-${version}.exe`,
    `    sha512: ${sha512}`,
    '    size: 3145728',
    `path: Larmor-Setup-${version}.exe`,
    `sha512: ${sha512}`,
    "releaseDate: '2026-11-30T10:00:00.000Z'",
    extra,
  ].join('\n');
}

describe('update feed from the machine policy', () => {
  it('is the generic provider at the policy URL, on the pinned channel', () => {
    expect(updateFeedFromPolicy({ updates: { enabled: true, url: 'https://updates.hospital.example/larmor/', channel: 'stable' } })).toEqual({
      provider: 'generic',
      url: 'https://updates.hospital.example/larmor/',
      channel: 'stable',
    });
  });

  it.each([
    ['no policy', {}],
    ['updates off', { updates: { enabled: false, url: 'https://u.example/', channel: 'latest' } }],
  ])('is off with %s', (_name, policy) => {
    expect(updateFeedFromPolicy(policy)).toBeNull();
  });
});

describe('update decision', () => {
  it('takes a newer release whose metadata is consistent, and its downloaded file hashes to the published sha512', () => {
    const { file, sha512 } = installer();
    const decision = decideUpdate('0.1.0', parseUpdateYaml(latestYml('0.2.0', sha512)), 'latest');
    expect(decision).toMatchObject({ take: true, offer: { version: '0.2.0', files: [{ url: 'Larmor-Setup-0.2.0.exe', sha512 }] } });
    if (!decision.take) throw new Error('refused');
    expect(verifyDownloadedUpdate(file, decision.offer)).toEqual({ ok: true });
  });

  it('refuses a downloaded file whose sha512 is not the published one', () => {
    const { file } = installer();
    const other = installer();
    const decision = decideUpdate('0.1.0', parseUpdateYaml(latestYml('0.2.0', other.sha512)), 'latest');
    if (!decision.take) throw new Error('refused');
    expect(verifyDownloadedUpdate(file, decision.offer)).toMatchObject({ ok: false, reason: expect.stringContaining('sha512') });
  });

  it('refuses a downloaded file changed by one byte after publication', () => {
    const { file, sha512 } = installer();
    // Every bit of one byte flipped: a fixed byte written there would, one time in 256, be the one already there.
    const fd = openSync(file, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, 1000);
    byte[0] = byte[0]! ^ 0xff;
    writeSync(fd, byte, 0, 1, 1000);
    closeSync(fd);
    const decision = decideUpdate('0.1.0', parseUpdateYaml(latestYml('0.2.0', sha512)), 'latest');
    if (!decision.take) throw new Error('refused');
    expect(verifyDownloadedUpdate(file, decision.offer).ok).toBe(false);
  });

  it('refuses a downloaded file the release does not list, even with a listed hash', () => {
    const { file, sha512 } = installer('Larmor-Setup-9.9.9.exe');
    const decision = decideUpdate('0.1.0', parseUpdateYaml(latestYml('0.2.0', sha512)), 'latest');
    if (!decision.take) throw new Error('refused');
    expect(verifyDownloadedUpdate(file, decision.offer)).toMatchObject({ ok: false, reason: expect.stringContaining('not a file of release') });
  });

  it.each([
    ['an older version (downgrade)', '0.3.0', '0.2.0'],
    ['the same version', '0.2.0', '0.2.0'],
    ['a prerelease of the installed version', '0.2.0', '0.2.0-beta.1'],
  ])('refuses %s', (_name, current, offered) => {
    const { sha512 } = installer();
    expect(decideUpdate(current, parseUpdateYaml(latestYml(offered, sha512)), 'latest').take).toBe(false);
  });

  it('refuses a prerelease on a machine pinned to the stable channel, and takes it on the pinned beta channel', () => {
    const { sha512 } = installer();
    const yml = parseUpdateYaml(latestYml('0.2.0-beta.1', sha512));
    expect(decideUpdate('0.1.0', yml, 'latest')).toMatchObject({ take: false, reason: expect.stringContaining('beta release') });
    expect(decideUpdate('0.1.0', yml, 'beta')).toMatchObject({ take: true });
  });

  describe('tampered latest.yml', () => {
    const { sha512 } = installer();
    const tampered: [string, string][] = [
      ['a sha512 edited into something that is not a digest', latestYml('0.2.0', 'deadbeef')],
      [
        'the file entry pointing at another server',
        latestYml('0.2.0', sha512).replace('  - url: Larmor-Setup-0.2.0.exe', '  - url: https://evil.example/Larmor-Setup-0.2.0.exe'),
      ],
      [
        'the file entry climbing out of the update directory',
        latestYml('0.2.0', sha512).replace('  - url: Larmor-Setup-0.2.0.exe', '  - url: ../../Larmor-Setup-0.2.0.exe'),
      ],
      ['the legacy sha512 changed but not the file entry', latestYml('0.2.0', sha512).replace(/^sha512: .*$/m, `sha512: ${'B'.repeat(86)}==`)],
      ['the legacy path naming a file that is not listed', latestYml('0.2.0', sha512).replace(/^path: .*$/m, 'path: other.exe')],
      ['no files at all', `version: 0.2.0\nfiles: []\n`],
      ['a version that is not semantic', latestYml('latest', sha512)],
      ['text that is not YAML', 'version: [0.2.0\nfiles: {'],
      ['a YAML type tag', latestYml('0.2.0', sha512, 'evil: !!js/function "function(){}"')],
    ];
    it.each(tampered)('is refused: %s', (_name, yml) => {
      expect(decideUpdate('0.1.0', parseUpdateYaml(yml), 'latest')).toMatchObject({ take: false, reason: expect.any(String) });
    });
  });
});

describe('semantic version precedence (SemVer 2.0.0 section 11)', () => {
  it('orders the example list of the specification', () => {
    const list = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    for (let i = 1; i < list.length; i++) expect(compareVersions(list[i - 1]!, list[i]!)).toBe(-1);
    expect(compareVersions('2.0.0', '10.0.0')).toBe(-1);
    expect(compareVersions('1.0.0+build.5', '1.0.0')).toBe(0);
  });
});
