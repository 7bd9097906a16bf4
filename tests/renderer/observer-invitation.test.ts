import { describe, expect, it } from 'vitest';
import { loadConnectDefaults, observerInvitation } from '../../renderer/src/logic/connect-defaults.js';

describe('observer invitation', () => {
  it("names the gateway and the observer role, with the query a workstation's connect form understands", () => {
    const invitation = observerInvitation('wss://mr1.example.org:9400/');
    expect(invitation.text).toMatch(/wss:\/\/mr1\.example\.org:9400\//);
    expect(invitation.text).toMatch(/Observer/);
    expect(loadConnectDefaults(invitation.query, null)).toEqual({ url: 'wss://mr1.example.org:9400/', role: 'observer', name: '' });
  });

  it('keeps the remembered role when the address names none', () => {
    const storage = { getItem: () => JSON.stringify({ role: 'observer' }), setItem: () => undefined };
    expect(loadConnectDefaults('', storage).role).toBe('observer');
    expect(loadConnectDefaults('?role=operator', storage).role).toBe('operator');
  });
});
