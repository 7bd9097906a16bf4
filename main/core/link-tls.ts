import type { PeerCertificate } from 'node:tls';

/**
 * TLS settings for one gateway address, applied to its WebSocket link and to the https sign-in
 * alike: the machine policy's CA bundle and certificate pins (main/policy/policy-enforcement.ts).
 * Undefined leaves Node's defaults (its roots plus NODE_EXTRA_CA_CERTS).
 */
export interface LinkTlsOptions {
  ca?: string;
  checkServerIdentity?(host: string, cert: PeerCertificate): Error | undefined;
}

export type LinkTls = (url: URL) => LinkTlsOptions | undefined;

/** Only wss:// and https:// carry TLS; a loopback ws:// link has nothing to apply. */
export function tlsFor(linkTls: LinkTls | undefined, url: string): LinkTlsOptions {
  const parsed = new URL(url);
  if (!linkTls || (parsed.protocol !== 'wss:' && parsed.protocol !== 'https:')) return {};
  return linkTls(parsed) ?? {};
}
