import { describe, expect, it } from 'vitest';
import { OnsiteNetworks } from '../../../gateway/auth/onsite-network.js';

describe('--onsite-from networks', () => {
  it('admits anyone when none are configured', () => {
    expect(new OnsiteNetworks().admits('203.0.113.9')).toBe(true);
  });

  it('admits addresses inside the networks, IPv4-mapped ones too, and nothing else', () => {
    const nets = new OnsiteNetworks(['10.20.0.0/16', 'fd00::/8']);
    expect(nets.admits('10.20.3.4')).toBe(true);
    expect(nets.admits('::ffff:10.20.3.4')).toBe(true);
    expect(nets.admits('fd00::1')).toBe(true);
    expect(nets.admits('10.21.0.1')).toBe(false);
    expect(nets.admits('127.0.0.1')).toBe(false);
    expect(nets.admits(undefined)).toBe(false);
  });

  it('refuses a network that is not CIDR', () => {
    expect(() => new OnsiteNetworks(['10.0.0.0/33'])).toThrow(/not a network/);
    expect(() => new OnsiteNetworks(['scanner-lan'])).toThrow(/not a network/);
  });
});
