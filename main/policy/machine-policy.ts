import { z } from 'zod';
import { MaxConcurrentAcquisitions, Role, SiteEntry } from '../../protocol/index.js';

/**
 * The machine policy hospital IT puts on a workstation (one JSON file in the operating
 * system's machine-wide configuration place, writable only by administrators). Strict: an
 * unknown field is an error, because a misspelt restriction silently ignored is a restriction
 * not applied.
 */
const GatewayUrl = z
  .string()
  .max(512)
  .regex(/^wss?:\/\/[^\s/]+(\/\S*)?$/, 'must be a ws:// or wss:// URL');
const HttpsUrl = z
  .string()
  .max(512)
  .regex(/^https:\/\/[^\s/]+(\/\S*)?$/, 'must be an https:// URL');
/** An HTTP public key pin as in RFC 7469 section 2.4: base64 of the SHA-256 of the SubjectPublicKeyInfo. */
const SpkiPin = z.string().regex(/^sha256\/[A-Za-z0-9+/]{43}=$/, 'must be "sha256/" followed by the base64 SHA-256 of the certificate public key');
const HostPort = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with :port');

export const MachinePolicy = z.strictObject({
  /** The only gateways this machine may connect to; the connect screen offers only these. */
  allowedGatewayUrls: z.array(GatewayUrl).min(1).optional(),
  /** PEM file of the CA certificates gateways are checked against (instead of the public roots). */
  trustedCaBundle: z.string().min(1).optional(),
  /** Public key pins per gateway host: a gateway must present one of them. */
  certificatePins: z.record(HostPort, z.array(SpkiPin).min(1)).optional(),
  updates: z
    .strictObject({
      enabled: z.boolean(),
      /** The hospital's own update server (electron-updater "generic" provider). */
      url: HttpsUrl.optional(),
      /** Release channel this machine follows; the user cannot change it. */
      channel: z
        .string()
        .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a channel name such as "latest" or "beta"')
        .default('latest'),
    })
    .refine((u) => !u.enabled || u.url !== undefined, { message: 'an update server URL is required when updates are enabled', path: ['url'] })
    .optional(),
  allowedRoles: z.array(Role).min(1).optional(),
  /** Sign the user out after this many minutes without input. */
  idleSignOutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .optional(),
  /**
   * Scanners one technologist may have acquiring (or paused) under their control at once, 1..3
   * (default 1, the ACR position). This workstation enforces it for itself (docs/architecture.md "The desk").
   */
  maxConcurrentAcquisitions: MaxConcurrentAcquisitions.optional(),
  /** The desk's site list, when IT sets it: named gateways, signed in to together. */
  sites: z.array(SiteEntry).min(1).max(16).optional(),
});
export type MachinePolicy = z.infer<typeof MachinePolicy>;

/** The policy in force: what it says, where it came from (null: no policy file on this machine). */
export interface LoadedPolicy {
  policy: MachinePolicy;
  source: string | null;
  /** The CA bundle's PEM text, read when the policy was loaded (so a missing file stops the start). */
  trustedCaPem: string | null;
}

export const NO_POLICY: LoadedPolicy = { policy: {}, source: null, trustedCaPem: null };
