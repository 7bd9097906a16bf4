import { describe, expect, it } from 'vitest';
import { allowedReturnTo } from '../../../../gateway/auth/oidc/return-to.js';

const GATEWAY = 'https://gw.example.org:8443';
const ALLOWED = ['https://ws.example.org', 'http://127.0.0.1:*'];
const allowed = (returnTo: string) => allowedReturnTo(returnTo, GATEWAY, ALLOWED)?.href ?? null;

describe('where the session credential may be sent after sign-in', () => {
  it('allows a page of the gateway itself', () => {
    expect(allowed('/onsite')).toBe(`${GATEWAY}/onsite`);
    expect(allowed(`${GATEWAY}/onsite?x=1`)).toBe(`${GATEWAY}/onsite?x=1`);
  });

  it('allows an allow-listed origin and a loopback origin on any port when listed with *', () => {
    expect(allowed('https://ws.example.org/connect')).toBe('https://ws.example.org/connect');
    expect(allowed('http://127.0.0.1:51234/')).toBe('http://127.0.0.1:51234/');
  });

  it('refuses other origins, schemes and lookalikes', () => {
    for (const bad of [
      'https://attacker.example/',
      'https://ws.example.org.attacker.example/',
      'http://ws.example.org/',
      'https://127.0.0.1:51234/',
      'http://localhost:51234/',
      'javascript:alert(1)',
      '//attacker.example/x',
      '/\\attacker.example/x',
      'https://user:pw@ws.example.org/',
      '',
    ]) {
      expect(allowed(bad), bad).toBeNull();
    }
  });

  it('refuses a return_to that already has a fragment (the credential goes there)', () => {
    expect(allowed('/onsite#x')).toBeNull();
    expect(allowed('https://ws.example.org/#x')).toBeNull();
  });
});
