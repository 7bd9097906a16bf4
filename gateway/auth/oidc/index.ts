/** Hospital single sign-on: the gateway as an OpenID Connect relying party (README "Hospital single sign-on"). */
export { loadOidcConfig, parseOidcConfig, type OidcConfig } from './oidc-config.js';
export { OidcRelyingParty, type SsoIdentity } from './oidc-relying-party.js';
export { createOidcRoutes, type OidcRoutesOptions, type SsoAuditEntry } from './oidc-routes.js';
export { issueSsoSession } from './sso-session.js';
export { gatewaySsoRoutes } from './gateway-sso.js';
