import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const configText = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a YAML document read field by field
const config = yaml.load(configText) as Record<string, any>;
const notarizeHook = require(join(root, 'scripts', 'notarize.cjs')) as ((context: object, env: object) => Promise<string>) & {
  credentials(env: object): object | null;
};

describe('electron-builder configuration', () => {
  it('sets every fuse of the security checklist', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });

  it('names only fuses @electron/fuses knows', () => {
    const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number | string> };
    const known = Object.keys(FuseV1Options)
      .filter((k) => Number.isNaN(Number(k)))
      .map((k) => k[0]!.toLowerCase() + k.slice(1));
    for (const key of Object.keys(config.electronFuses)) expect(known).toContain(key);
  });

  it('builds AppImage and deb, a per-machine NSIS installer and MSI, and a dmg (with the zip macOS updates come from)', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis', 'msi']);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
    expect(config.msi).toMatchObject({ perMachine: true });
    expect(config.mac.target).toEqual(['dmg', 'zip']);
  });

  it('signs macOS builds with the hardened runtime, camera and microphone entitlements, and a notarization hook', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    const entitlements = readFileSync(join(root, config.mac.entitlements), 'utf8');
    expect(entitlements).toContain('com.apple.security.device.camera');
    expect(entitlements).toContain('com.apple.security.device.audio-input');
    expect(entitlements).not.toContain('disable-library-validation');
    expect(config.mac.extendInfo.NSCameraUsageDescription).toBeTruthy();
    expect(existsSync(join(root, config.afterSign))).toBe(true);
  });

  it('keeps the native addons outside the asar archive', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['**/*.node', '**/node_modules/better-sqlite3/**']);
  });

  it('carries no signing material: certificates and passwords come from the environment', () => {
    expect(configText).not.toMatch(/cscLink|cscKeyPassword|certificateFile|certificatePassword|appleIdPassword|BEGIN .*PRIVATE KEY/i);
  });
});

describe('notarization hook', () => {
  const mac = { electronPlatformName: 'darwin', appOutDir: '/tmp/out', packager: { appInfo: { productFilename: 'Larmor' } } };

  it('does nothing for Linux and Windows builds', async () => {
    expect(await notarizeHook({ ...mac, electronPlatformName: 'linux' }, {})).toBe('skipped: not macOS');
  });

  it('reads Apple credentials from the environment only', () => {
    expect(notarizeHook.credentials({})).toBeNull();
    expect(notarizeHook.credentials({ APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'K', APPLE_API_ISSUER: 'I' })).toEqual({
      appleApiKey: '/k.p8',
      appleApiKeyId: 'K',
      appleApiIssuer: 'I',
    });
    expect(notarizeHook.credentials({ APPLE_ID: 'a@b', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 'T' })).toEqual({
      appleId: 'a@b',
      appleIdPassword: 'p',
      teamId: 'T',
    });
  });

  it('leaves a local build un-notarized, but fails a release build without credentials', async () => {
    expect(await notarizeHook(mac, {})).toBe('skipped: no credentials');
    await expect(notarizeHook(mac, { LARMOR_REQUIRE_NOTARIZATION: '1' })).rejects.toThrow(/no Apple credentials/);
  });
});
