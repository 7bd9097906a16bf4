import { describe, expect, it } from 'vitest';
import { parseSsoReturn, ssoStartUrl } from '../../protocol/index.js';

describe('hospital sign-in result in the URL fragment', () => {
  it('reads a credential', () => {
    expect(parseSsoReturn('#larmor_session=eyJ.a-b_c.d')).toEqual({ ok: true, credential: 'eyJ.a-b_c.d', level: null });
    expect(parseSsoReturn('#larmor_session=eyJ.a-b_c.d&larmor_level=mr2')).toEqual({ ok: true, credential: 'eyJ.a-b_c.d', level: 'mr2' });
    expect(parseSsoReturn('#larmor_session=eyJ.a-b_c.d&larmor_level=admin')).toEqual({ ok: true, credential: 'eyJ.a-b_c.d', level: null });
  });

  it('reads a refusal with its sentence', () => {
    expect(parseSsoReturn('#larmor_error=LARMOR_E_OIDC_NO_ROLE&larmor_message=Bob+is+in+no+Larmor+group')).toEqual({
      ok: false,
      code: 'LARMOR_E_OIDC_NO_ROLE',
      message: 'Bob is in no Larmor group',
    });
  });

  it('finds nothing in an empty or unrelated fragment', () => {
    expect(parseSsoReturn('')).toBeNull();
    expect(parseSsoReturn('#section-2')).toBeNull();
  });

  it('builds the start URL with the role and the page to come back to', () => {
    const url = new URL(ssoStartUrl('https://gw.example:8443', 'onsite', '/onsite'));
    expect(url.pathname).toBe('/auth/oidc/start');
    expect(url.searchParams.get('role')).toBe('onsite');
    expect(url.searchParams.get('return_to')).toBe('/onsite');
  });
});
