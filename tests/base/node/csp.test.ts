import { describe, expect, it } from 'vitest';
import { onsiteCsp, RENDERER_CSP } from '../../../base/node/csp.js';

const directives = (policy: string) => Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

describe('content security policies', () => {
  it('allows no inline script, no eval and no framing on either page', () => {
    for (const policy of [RENDERER_CSP, onsiteCsp('wss://gw:8443')]) {
      const d = directives(policy);
      expect(d['script-src']).toBe("'self'");
      expect(d['frame-ancestors']).toBe("'none'");
      expect(d['object-src']).toBe("'none'");
    }
  });

  it('lets the onsite console connect only to its own gateway', () => {
    expect(directives(onsiteCsp('wss://gw:8443'))['connect-src']).toBe("'self' wss://gw:8443");
    expect(directives(RENDERER_CSP)['connect-src']).toBe("'self'");
  });
});
