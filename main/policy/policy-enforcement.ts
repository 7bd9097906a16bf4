import { createHash, X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import {
  DEFAULT_MAX_CONCURRENT_ACQUISITIONS,
  ErrorCode,
  LarmorError,
  type ConnectRequest,
  type DeskConnectRequest,
  type PolicyView,
} from '../../protocol/index.js';
import type { LoadedPolicy, MachinePolicy } from './machine-policy.js';
import type { LinkTls } from '../core/link-tls.js';

/** What the page may know of the policy (protocol/policy.ts). */
export function policyView(loaded: LoadedPolicy): PolicyView {
  return {
    allowedGatewayUrls: loaded.policy.allowedGatewayUrls ?? null,
    allowedRoles: loaded.policy.allowedRoles ?? null,
    idleSignOutMinutes: loaded.policy.idleSignOutMinutes ?? null,
    maxConcurrentAcquisitions: loaded.policy.maxConcurrentAcquisitions ?? DEFAULT_MAX_CONCURRENT_ACQUISITIONS,
    sites: loaded.policy.sites ?? null,
    source: loaded.source,
  };
}

/** URLs compared as the WHATWG URL parser writes them, so "WSS://Host:443/x" equals "wss://host/x". */
function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

/**
 * A connect request checked against the policy before the core sees it: in the Electron shell
 * and in the browser shell alike (both call the API host), so a page or a remembered user
 * setting cannot reach a gateway or take a role IT did not allow.
 */
export function assertConnectAllowed(request: ConnectRequest, policy: MachinePolicy): void {
  const allowed = policy.allowedGatewayUrls;
  for (const url of [request.url, request.secondaryUrl]) {
    if (url === undefined || !allowed) continue;
    if (!allowed.some((a) => sameUrl(a, url))) {
      throw new LarmorError(
        ErrorCode.POLICY_REFUSED,
        `This workstation may only connect to the gateways your IT department allowed; ${url} is not one of them.`,
      );
    }
  }
  if (policy.allowedRoles && !policy.allowedRoles.includes(request.role)) {
    throw new LarmorError(
      ErrorCode.POLICY_REFUSED,
      `This workstation is not allowed to connect as ${request.role} (allowed: ${policy.allowedRoles.join(', ')}).`,
    );
  }
}

/** A desk's site list checked like a connect request, site by site: one gateway IT did not allow refuses the whole list. */
export function assertDeskConnectAllowed(request: DeskConnectRequest, policy: MachinePolicy): void {
  for (const site of request.sites)
    assertConnectAllowed({ url: site.url, ...(site.secondaryUrl ? { secondaryUrl: site.secondaryUrl } : {}), role: request.role }, policy);
}

/**
 * RFC 7469 section 2.4 pin of a certificate (DER): base64 SHA-256 of its SubjectPublicKeyInfo.
 * Taken from the whole certificate, because Node's `pubkey` is the bare key for EC, not the SPKI.
 */
export function spkiPin(certificateDer: Buffer): string {
  const spki = new X509Certificate(certificateDer).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256/${createHash('sha256').update(spki).digest('base64')}`;
}

export interface GatewayTlsOptions {
  /** Trust only IT's CA bundle (replaces the public roots) when the policy names one. */
  ca?: string;
  /** The usual host name check, then the policy's pins for this host (Node's tls docs, "checkServerIdentity"). */
  checkServerIdentity(host: string, cert: PeerCertificate): Error | undefined;
}

/**
 * TLS options for the gateway connection (ws and https accept both). Pins are looked up by
 * "host:port" first, then by host.
 */
export function gatewayTlsOptions(loaded: LoadedPolicy, port?: number): GatewayTlsOptions {
  const pins = loaded.policy.certificatePins ?? {};
  return {
    ...(loaded.trustedCaPem ? { ca: loaded.trustedCaPem } : {}),
    checkServerIdentity(host, cert) {
      const nameError = checkServerIdentity(host, cert);
      if (nameError) return nameError;
      const expected = (port !== undefined ? pins[`${host}:${port}`] : undefined) ?? pins[host];
      if (!expected) return undefined;
      const actual = spkiPin(cert.raw);
      if (expected.includes(actual)) return undefined;
      return Object.assign(new Error(`the gateway ${host} presented a certificate whose key (${actual}) is not pinned by the machine policy`), {
        code: ErrorCode.POLICY_REFUSED,
      });
    },
  };
}

/**
 * The core's per-gateway TLS settings from the machine policy: its CA bundle replaces the public
 * roots and its pins are checked on every wss:// link and https sign-in. No CA and no pins: Node's
 * defaults stay (NODE_EXTRA_CA_CERTS still works).
 */
export function policyLinkTls(loaded: LoadedPolicy): LinkTls | undefined {
  if (!loaded.trustedCaPem && Object.keys(loaded.policy.certificatePins ?? {}).length === 0) return undefined;
  return (url) => gatewayTlsOptions(loaded, url.port === '' ? 443 : Number(url.port));
}
