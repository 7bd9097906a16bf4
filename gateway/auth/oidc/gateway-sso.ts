import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditRecord } from '../../storage/gateway-store.js';
import type { OidcConfig } from './oidc-config.js';
import { OidcRelyingParty } from './oidc-relying-party.js';
import { createOidcRoutes, type SsoRefusalDetail } from './oidc-routes.js';
import { ssoAuditRecord } from './sso-audit.js';
import { issueSsoSession, type SessionIssuer } from './sso-session.js';

/**
 * What hospital sign-in needs of the running gateway: its session issuance, its audit trail, its
 * folding of refusals by address (Gateway.refuseByAddress) and its rate of sign-ins per person.
 */
export interface SsoGatewayParts {
  credentials: SessionIssuer;
  signInsPerPerson: { take(userId: string): boolean; readonly retryAfterS: number };
  store: { audit(record: AuditRecord): void };
  refuseByAddress(address: string, code: string, reason: string, detail: SsoRefusalDetail): void;
}

/**
 * The /auth/oidc/* routes of `larmor gateway --oidc-config FILE`, for GatewayOptions.httpRoutes.
 * The routes exist before the gateway does (they are one of its options), so the gateway is
 * reached through `gateway()` when a request arrives, never earlier.
 */
export function gatewaySsoRoutes(
  config: OidcConfig,
  gateway: () => SsoGatewayParts,
  log: (line: string) => void = () => {},
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return createOidcRoutes({
    relyingParty: new OidcRelyingParty(config),
    onIdentity: (identity, role) => issueSsoSession(gateway().credentials)(identity, role),
    audit: (entry) => {
      gateway().store.audit(ssoAuditRecord(entry));
      log(`${entry.action} ${entry.actor ?? '?'} (${entry.role ?? '?'}) from ${entry.peer ?? '?'}: ${entry.decision}${entry.code ? ` ${entry.code}` : ''}`);
    },
    // The gateway logs these itself, when it writes their row.
    refuseByAddress: (address, code, reason, detail) => gateway().refuseByAddress(address, code, reason, detail),
    holdSignIn: (userId) => {
      const rates = gateway().signInsPerPerson;
      return rates.take(userId) ? null : rates.retryAfterS;
    },
  });
}
