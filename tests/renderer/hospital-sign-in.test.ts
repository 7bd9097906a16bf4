import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import { SSO_PENDING_KEY, beginHospitalSignIn, finishHospitalSignIn, gatewayHttpOrigin } from '../../renderer/src/logic/hospital-sign-in.js';

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
    map,
  };
}

describe('hospital sign-in from the connect screen', () => {
  it('starts at the gateway of the form, coming back to this page, and remembers the form', () => {
    const storage = memoryStorage();
    const start = new URL(beginHospitalSignIn({ url: 'wss://gw.example:8443/', role: 'observer' }, 'http://127.0.0.1:5100/?gateway=x#old', storage));
    expect(start.origin).toBe('https://gw.example:8443');
    expect(start.pathname).toBe('/auth/oidc/start');
    expect(start.searchParams.get('role')).toBe('observer');
    expect(start.searchParams.get('return_to')).toBe('http://127.0.0.1:5100/?gateway=x');
    expect(JSON.parse(storage.map.get(SSO_PENDING_KEY)!)).toEqual({ url: 'wss://gw.example:8443/', role: 'observer' });
  });

  it('comes back with a connect request carrying the session credential, once', () => {
    const storage = memoryStorage();
    beginHospitalSignIn({ url: 'ws://127.0.0.1:9400/', role: 'operator' }, 'http://127.0.0.1:5100/', storage);
    expect(finishHospitalSignIn('#larmor_session=abc.def.ghi', storage)).toEqual({
      connect: { url: 'ws://127.0.0.1:9400/', role: 'operator', name: 'Hospital account', session: 'abc.def.ghi' },
    });
    expect(storage.map.has(SSO_PENDING_KEY)).toBe(false);
  });

  it('comes back with the refusal to show', () => {
    const back = finishHospitalSignIn(`#larmor_error=${ErrorCode.OIDC_NO_ROLE}&larmor_message=Bob+is+in+no+Larmor+group`, memoryStorage());
    expect(back).toEqual({ error: `Bob is in no Larmor group (${ErrorCode.OIDC_NO_ROLE})` });
  });

  it('is nothing on an ordinary page load', () => {
    expect(finishHospitalSignIn('', memoryStorage())).toBeNull();
  });

  it('says so when the window forgot the gateway', () => {
    expect(finishHospitalSignIn('#larmor_session=abc', memoryStorage())).toEqual({ error: expect.stringMatching(/forgot which gateway/) });
  });

  it('maps ws and wss gateway URLs to their http origins', () => {
    expect(gatewayHttpOrigin('ws://127.0.0.1:9400/')).toBe('http://127.0.0.1:9400');
    expect(gatewayHttpOrigin('wss://gw.example/')).toBe('https://gw.example');
  });
});
