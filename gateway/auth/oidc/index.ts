/** Hospital single sign-on: the gateway as an OpenID Connect relying party (README "Hospital single sign-on"). */
export { loadOidcConfig, parseOidcConfig, type OidcConfig, SsoRole, SsoLevel } from './oidc-config.js';
export { OidcRelyingParty, type SsoIdentity } from './oidc-relying-party.js';
export { createOidcRoutes, OIDC_START_PATH, OIDC_CALLBACK_PATH, OIDC_AVAILABLE_PATH, type OidcRoutesOptions, type SsoAuditEntry } from './oidc-routes.js';
export { issueSsoSession, ssoUserId, type SessionIssuer } from './sso-session.js';
export { ssoAuditRecord } from './sso-audit.js';
export { gatewaySsoRoutes, type SsoGatewayParts } from './gateway-sso.js';
