import { z } from 'zod';
import { Role } from './messages.js';
import { DEFAULT_MAX_CONCURRENT_ACQUISITIONS, SiteEntry } from './desk.js';

/**
 * What the page may know of the machine policy that hospital IT set on this computer: which
 * gateways the connect screen offers, which roles this machine may take, when an idle session
 * is signed out. `null` means "not restricted by policy". The policy file itself (CA bundle,
 * certificate pins, update server) stays in the main process.
 */
export const PolicyView = z.object({
  allowedGatewayUrls: z.array(z.string()).nullable(),
  allowedRoles: z.array(Role).nullable(),
  idleSignOutMinutes: z.number().nullable(),
  /** Scanners this technologist may have acquiring (or paused) under their control at once (protocol/desk.ts). */
  maxConcurrentAcquisitions: z.number().int(),
  /** The site list IT set for the desk, in order; null: the user's own list. */
  sites: z.array(SiteEntry).nullable(),
  /** Where the policy was read from, shown to the user so IT can be asked; null when none is set. */
  source: z.string().nullable(),
});
export type PolicyView = z.infer<typeof PolicyView>;

/** The view when no policy file exists: nothing restricted. */
export const UNRESTRICTED_POLICY_VIEW: PolicyView = {
  allowedGatewayUrls: null,
  allowedRoles: null,
  idleSignOutMinutes: null,
  maxConcurrentAcquisitions: DEFAULT_MAX_CONCURRENT_ACQUISITIONS,
  sites: null,
  source: null,
};
