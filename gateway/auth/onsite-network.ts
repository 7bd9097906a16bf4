import { BlockList, isIP } from 'node:net';

/**
 * `--onsite-from CIDR[,CIDR]`: the onsite role is accepted only from the scanner site's own
 * networks (the person at the magnet is on the hospital LAN, not on the internet).
 */
export class OnsiteNetworks {
  private readonly list = new BlockList();
  readonly configured: boolean;

  constructor(readonly cidrs: readonly string[] = []) {
    for (const cidr of cidrs) {
      const [address, bits] = cidr.split('/');
      const family = isIP(address ?? '');
      const prefix = Number(bits ?? (family === 6 ? 128 : 32));
      if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
        throw new Error(`${cidr} is not a network (CIDR, e.g. 10.20.0.0/16)`);
      this.list.addSubnet(address!, prefix, family === 6 ? 'ipv6' : 'ipv4');
    }
    this.configured = cidrs.length > 0;
  }

  /** True when no networks are configured, or `peer` is in one of them. */
  admits(peer: string | undefined): boolean {
    if (!this.configured) return true;
    if (!peer) return false;
    // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d.
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(peer)?.[1];
    if (v4) return this.list.check(v4, 'ipv4');
    return this.list.check(peer, isIP(peer) === 6 ? 'ipv6' : 'ipv4');
  }
}
