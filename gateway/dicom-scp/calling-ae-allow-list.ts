/**
 * Who may push images: an allow list of calling AE titles, each with the source network it must
 * connect from (`--dicom-allow MRI1@10.1.2.0/24,PACS@10.9.0.5`). An AE title alone proves nothing
 * (any peer can claim one, PS3.8 7.1.1.3), so it counts only from its own network. `*` as the AE
 * title admits any title from that network. An empty list admits everyone (the default, for a
 * receiver on loopback).
 */
import { BlockList, isIP } from 'node:net';
import { ErrorCode, LarmorError } from '../../protocol/index.js';

export interface AllowRule {
  aeTitle: string;
  network: string;
  blocks: BlockList;
}

function ruleError(entry: string, why: string): LarmorError {
  return new LarmorError(ErrorCode.INVALID_PARAMETER, `--dicom-allow entry "${entry}": ${why} (expected AE@ADDRESS or AE@ADDRESS/PREFIX)`);
}

/** Parses `AE@CIDR,...`; throws LARMOR_E_INVALID_PARAMETER naming the bad entry. */
export function parseAllowList(spec: string): AllowRule[] {
  return spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const at = entry.lastIndexOf('@');
      if (at <= 0) throw ruleError(entry, 'no AE title before @');
      const aeTitle = entry.slice(0, at).trim();
      // PS3.5 6.2: an AE title is 1..16 characters of the default repertoire, without backslash.
      if (aeTitle !== '*' && !/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(aeTitle)) throw ruleError(entry, 'not a valid AE title');
      const network = entry.slice(at + 1).trim();
      const [address = '', prefixText] = network.split('/');
      const family = isIP(address);
      if (family === 0) throw ruleError(entry, `${address || '(nothing)'} is not an IP address`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const maxPrefix = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix || (prefixText !== undefined && !/^(0|[1-9]\d*)$/.test(prefixText))) {
        throw ruleError(entry, `/${prefixText} is not a prefix length for ${type}`);
      }
      const blocks = new BlockList();
      blocks.addSubnet(address, prefix, type);
      return { aeTitle, network: `${address}/${prefix}`, blocks };
    });
}

/** An IPv4 peer on a dual-stack socket shows up as ::ffff:a.b.c.d; match it as IPv4. */
function plainAddress(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, type: 'ipv4' };
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/**
 * Whether a connection from this address may say anything at all: an address on no rule's
 * network could never be admitted, whatever AE title it claims, so it is closed unread.
 */
export function isPeerAddressAllowed(rules: readonly AllowRule[], remoteAddress: string | undefined): boolean {
  return allows(rules, remoteAddress, () => true);
}

export function isCallingAeAllowed(rules: readonly AllowRule[], callingAeTitle: string, remoteAddress: string | undefined): boolean {
  const title = callingAeTitle.trim();
  return allows(rules, remoteAddress, (rule) => rule.aeTitle === '*' || rule.aeTitle === title);
}

/** An empty list admits everyone; otherwise some rule whose network holds the address, and that `also` accepts. */
function allows(rules: readonly AllowRule[], remoteAddress: string | undefined, also: (rule: AllowRule) => boolean): boolean {
  if (rules.length === 0) return true;
  if (!remoteAddress) return false;
  const peer = plainAddress(remoteAddress);
  return rules.some((rule) => also(rule) && rule.blocks.check(peer.address, peer.type));
}
