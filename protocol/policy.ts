import { z } from 'zod';
import { Role } from './messages.js';

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
  /** Where the policy was read from, shown to the user so IT can be asked; null when none is set. */
  source: z.string().nullable(),
});
export type PolicyView = z.infer<typeof PolicyView>;

/** The view when no policy file exists: nothing restricted. */
export const UNRESTRICTED_POLICY_VIEW: PolicyView = { allowedGatewayUrls: null, allowedRoles: null, idleSignOutMinutes: null, source: null };
