import type { AuditRecord } from '../../storage/gateway-store.js';
import type { SsoAuditEntry } from './oidc-routes.js';

/** A sign-in attempt as a row of the gateway's audit trail (no WebSocket session exists yet). */
export function ssoAuditRecord(entry: SsoAuditEntry): AuditRecord {
  return {
    sessionId: null,
    actor: entry.actor,
    role: entry.role,
    action: entry.action,
    decision: entry.decision,
    code: entry.code,
    detail: entry.detail ?? null,
    userId: entry.userId,
    peer: entry.peer,
  };
}
