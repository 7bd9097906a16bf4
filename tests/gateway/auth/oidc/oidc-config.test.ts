import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../protocol/index.js';
import { loadOidcConfig, parseOidcConfig } from '../../../../gateway/auth/oidc/oidc-config.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const VALID = {
  issuer: 'https://login.hospital.example/realms/radiology',
  clientId: 'larmor-gateway',
  redirectUri: 'https://larmor-gw.hospital.example:8443/auth/oidc/callback',
  roles: { 'mr-remote-technologists': ['operator'] },
};

describe('OpenID Connect config file', () => {
  it('reads a minimal file with defaults, and the client secret from its own file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secret'), 's3cret\n');
    writeFileSync(join(dir, 'oidc.json'), JSON.stringify({ ...VALID, clientSecretFile: 'secret' }));
    expect(loadOidcConfig(join(dir, 'oidc.json'))).toMatchObject({
      ...VALID,
      clientSecret: 's3cret',
      scopes: ['openid', 'profile'],
      groupsClaim: 'groups',
      levels: {},
      returnOrigins: [],
    });
  });

  it.each([
    ['an unknown role', { ...VALID, roles: { g: ['superuser'] } }],
    ['an unknown level', { ...VALID, levels: { g: 'level9' } }],
    ['a typo in a field name', { ...VALID, groupClaim: 'groups' }],
    ['plain http to a non-loopback provider', { ...VALID, issuer: 'http://login.hospital.example' }],
    ['scopes without openid', { ...VALID, scopes: ['profile'] }],
    ['the secret itself instead of a file', { ...VALID, clientSecret: 'oops' }],
  ])('refuses %s with a coded error', (_what, raw) => {
    expect(() => parseOidcConfig(raw, '/')).toThrow(expect.objectContaining({ code: ErrorCode.OIDC_CONFIG_INVALID }));
  });

  it('refuses a file that is not JSON and a missing secret file, naming the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.json'), '{ issuer: ');
    expect(() => loadOidcConfig(join(dir, 'broken.json'))).toThrow(/broken\.json/);
    writeFileSync(join(dir, 'oidc.json'), JSON.stringify({ ...VALID, clientSecretFile: 'missing' }));
    expect(() => loadOidcConfig(join(dir, 'oidc.json'))).toThrow(
      expect.objectContaining({ code: ErrorCode.OIDC_CONFIG_INVALID, message: expect.stringMatching(/missing: ENOENT/) }),
    );
  });
});
