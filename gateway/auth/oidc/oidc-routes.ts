import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ErrorCode,
  LarmorError,
  SSO_AVAILABLE_PATH,
  SSO_FRAGMENT_ERROR,
  SSO_FRAGMENT_MESSAGE,
  SSO_FRAGMENT_LEVEL,
  SSO_FRAGMENT_SESSION,
  SSO_START_PATH,
} from '../../../protocol/index.js';
import { SsoRole } from './oidc-config.js';
import type { OidcRelyingParty, SsoIdentity } from './oidc-relying-party.js';
import { PendingSignIns, SIGN_IN_TTL_MS, type PendingSignIn } from './pending-sign-ins.js';
import { allowedReturnTo } from './return-to.js';
import { ssoUserId } from './sso-session.js';

const OIDC_START_PATH = SSO_START_PATH;
const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
/** Sign-in screens ask here whether to offer "Sign in with hospital account" (404 when SSO is not configured). */
const OIDC_AVAILABLE_PATH = SSO_AVAILABLE_PATH;

export interface SsoAuditEntry {
  action: 'sso.start' | 'sso.sign-in';
  decision: 'accepted' | 'refused';
  code: string | null;
  /** Who, once known: "display name <subject@issuer>". */
  actor: string | null;
  /** The Larmor user id of the hospital identity (issuer#subject), once known. */
  userId: string | null;
  role: string | null;
  peer: string | null;
  detail?: Record<string, unknown>;
}

export interface OidcRoutesOptions {
  relyingParty: OidcRelyingParty;
  /**
   * Issue the Larmor session credential for a signed-in hospital identity (the same credential
   * a local account gets). `role` is what the page asked for, already checked against the
   * identity's roles; null when it asked for none. A LarmorError thrown here is a refusal.
   */
  onIdentity: (identity: SsoIdentity, role: SsoRole | null) => Promise<string>;
  audit?: (entry: SsoAuditEntry) => void;
  /**
   * Refusals made before the provider vouched for anyone: an unknown, used or expired sign-in, a
   * return_to this gateway does not trust, an unknown role, a callback that does not complete.
   * Anyone may send those, as fast as they can connect, so the gateway folds them by address
   * with its other refusals of peers that are no one yet: one row per kind and window, with a
   * count (audit/folded-repeats.ts). `detail.action` is the step refused. Without this, each
   * refusal is an `audit` entry of its own.
   */
  refuseByAddress?: (address: string, code: string, reason: string, detail: SsoRefusalDetail) => void;
  /**
   * Sign-ins one person may make, by Larmor user id (the gateway's `signInsPerSecond` and
   * `signInBurst`, gateway/server/link-limits.ts, shared with local accounts). At the provider,
   * someone signed in already is sent straight back with a new code, so a browser script can
   * repeat sign-ins as fast as the provider answers, each an audit row and a session credential.
   * Returns the seconds to wait when this sign-in is one over the rate: it is then refused
   * (ErrorCode.SIGN_IN_THROTTLED), folded by address like the refusals of no one yet; null to go
   * on. Unset: no bound.
   */
  holdSignIn?: (userId: string) => number | null;
}

/** What a refusal folded by address says beyond its code and reason. */
export type SsoRefusalDetail = { action: SsoAuditEntry['action'] } & Record<string, unknown>;

/**
 * Longest client-supplied text (a return_to, a role, a provider's error description in a forged
 * callback) kept in an audit row: the row says what was sent, not all of it, so a refused
 * request of 14 KB does not write 14 KB.
 */
const AUDITED_TEXT_CHARS = 256;
/** A return_to longer than this is no Larmor screen: refused without being remembered or parsed. */
const MAX_RETURN_TO_CHARS = 2048;

/**
 * GET /auth/oidc/start?role=ROLE&return_to=URL and GET /auth/oidc/callback on the gateway's
 * HTTP server. Returns a handler for GatewayOptions.httpRoutes: true when it took the request.
 *
 * The credential goes back to return_to in the URL fragment (#larmor_session=...): a redirect
 * works from any page (the onsite console on this gateway, the workstation's browser shell on
 * loopback) without a popup or a cross-origin postMessage, and a fragment is never sent to a
 * server nor leaked in a Referer. The page takes it, removes it from the address bar
 * (history.replaceState) and sends it in hello. Errors come back the same way, or as a small
 * page when there is no safe return_to. The fragment format is protocol/sso-return.ts.
 */
export function createOidcRoutes(options: OidcRoutesOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { relyingParty: rp } = options;
  const pending = new PendingSignIns();
  const gatewayOrigin = new URL(rp.config.redirectUri).origin;
  const secureCookie = new URL(rp.config.redirectUri).protocol === 'https:';
  const audit = options.audit ?? (() => {});

  /** A refusal before anyone is known: folded by address when the gateway does that (refuseByAddress). */
  function refuseAnonymous(peer: string | null, detail: SsoRefusalDetail, refusal: LarmorError, role: string | null): void {
    const reason = clip(refusal.message);
    if (options.refuseByAddress)
      return options.refuseByAddress(peer ?? 'unknown', refusal.code, reason, { ...detail, ...(role === null ? {} : { role: clip(role) }) });
    const { action, ...rest } = detail;
    audit({
      action,
      decision: 'refused',
      code: refusal.code,
      actor: null,
      userId: null,
      role: role === null ? null : clip(role),
      peer,
      detail: { reason, ...rest },
    });
  }

  async function start(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const peer = req.socket.remoteAddress ?? null;
    const returnToParam = query.get('return_to') ?? '';
    const returnTo = returnToParam.length <= MAX_RETURN_TO_CHARS ? allowedReturnTo(returnToParam, gatewayOrigin, rp.config.returnOrigins) : null;
    if (!returnTo) {
      refuseAnonymous(
        peer,
        { action: 'sso.start', returnTo: clip(returnToParam) },
        new LarmorError(ErrorCode.OIDC_RETURN_TO_FORBIDDEN, 'return_to is no Larmor screen this gateway trusts'),
        null,
      );
      return errorPage(
        res,
        400,
        ErrorCode.OIDC_RETURN_TO_FORBIDDEN,
        'This sign-in link does not lead back to a Larmor screen this gateway trusts. Open sign-in again from the workstation or the onsite console.',
      );
    }
    const roleParam = query.get('role');
    const role = roleParam === null || roleParam === '' ? null : SsoRole.safeParse(roleParam);
    if (role && !role.success) {
      const refusal = new LarmorError(ErrorCode.INVALID_PARAMETER, `unknown role ${JSON.stringify(clip(roleParam!, 64))}`);
      refuseAnonymous(peer, { action: 'sso.start' }, refusal, roleParam);
      return backWithError(res, returnTo, refusal);
    }
    let begun: Awaited<ReturnType<OidcRelyingParty['begin']>>;
    try {
      begun = await rp.begin();
    } catch (err) {
      const refusal = asLarmorError(err);
      refuseAnonymous(peer, { action: 'sso.start' }, refusal, roleParam);
      return backWithError(res, returnTo, refusal);
    }
    const entry = pending.add({ ...begun.secrets, role: role ? role.data : null, returnTo: returnTo.href }, peer ?? 'unknown');
    res.writeHead(302, {
      location: begun.url.href,
      'set-cookie': bindingCookie(entry, secureCookie),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    res.end();
  }

  async function callback(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, rawQuery: string): Promise<void> {
    const peer = req.socket.remoteAddress ?? null;
    const state = query.get('state') ?? '';
    const entry = state ? pending.take(state) : null;
    if (!entry || !cookieMatches(req, entry)) {
      refuseAnonymous(
        peer,
        { action: 'sso.sign-in' },
        new LarmorError(ErrorCode.OIDC_UNKNOWN_SIGN_IN, entry ? 'started in another browser' : 'unknown, used or expired state'),
        entry?.role ?? null,
      );
      return errorPage(
        res,
        400,
        ErrorCode.OIDC_UNKNOWN_SIGN_IN,
        'This sign-in has expired, was already used, or was started in another browser. Start the sign-in again.',
        entry ? clearCookie(entry, secureCookie) : undefined,
      );
    }
    const returnTo = new URL(entry.returnTo);
    let identity: SsoIdentity | null = null;
    try {
      identity = await rp.complete(rawQuery, entry);
      if (identity.roles.length === 0) {
        throw new LarmorError(
          ErrorCode.OIDC_NO_ROLE,
          `${identity.displayName} signed in at the hospital, but none of their groups gives access to Larmor. Ask IT to add them to a Larmor group.`,
        );
      }
      if (entry.role && !identity.roles.includes(entry.role)) {
        throw new LarmorError(ErrorCode.OIDC_ROLE_NOT_GRANTED, `${identity.displayName} may sign in as ${identity.roles.join(' or ')}, not as ${entry.role}.`);
      }
      const retryAfterS = options.holdSignIn?.(ssoUserId(identity)) ?? null;
      if (retryAfterS !== null) {
        throw new LarmorError(ErrorCode.SIGN_IN_THROTTLED, `too many sign-ins for ${identity.displayName}: try again in ${retryAfterS} s`);
      }
      const credential = await options.onIdentity(identity, entry.role);
      audit({
        action: 'sso.sign-in',
        decision: 'accepted',
        code: null,
        actor: describe(identity),
        userId: ssoUserId(identity),
        role: entry.role ?? identity.roles.join(','),
        peer,
        detail: { roles: identity.roles, level: identity.level ?? null },
      });
      const fragment = new URLSearchParams({ [SSO_FRAGMENT_SESSION]: credential });
      if (identity.level && (entry.role ?? identity.roles[0]) === 'onsite') fragment.set(SSO_FRAGMENT_LEVEL, identity.level);
      returnTo.hash = fragment.toString();
      res.writeHead(303, {
        location: returnTo.href,
        'set-cookie': clearCookie(entry, secureCookie),
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      res.end();
    } catch (err) {
      const refusal = asLarmorError(err);
      // Until the provider vouches for someone, the callback is anyone's to send (a made-up code,
      // an error of our own choosing): folded like the other refusals of no one yet. So are the
      // sign-ins held back, which a loop makes by the hundred.
      if (!identity) refuseAnonymous(peer, { action: 'sso.sign-in' }, refusal, entry.role);
      else if (refusal.code === ErrorCode.SIGN_IN_THROTTLED) refuseAnonymous(peer, { action: 'sso.sign-in', userId: ssoUserId(identity) }, refusal, entry.role);
      else
        audit({
          action: 'sso.sign-in',
          decision: 'refused',
          code: refusal.code,
          actor: describe(identity),
          userId: ssoUserId(identity),
          role: entry.role,
          peer,
          detail: { reason: refusal.message, roles: identity.roles },
        });
      return backWithError(res, returnTo, refusal, clearCookie(entry, secureCookie));
    }
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    if (url.pathname !== OIDC_START_PATH && url.pathname !== OIDC_CALLBACK_PATH && url.pathname !== OIDC_AVAILABLE_PATH) return false;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return true;
    }
    if (url.pathname === OIDC_AVAILABLE_PATH) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ available: true, startPath: OIDC_START_PATH }));
      return true;
    }
    const work = url.pathname === OIDC_START_PATH ? start(req, res, url.searchParams) : callback(req, res, url.searchParams, url.search);
    work.catch((err: unknown) => {
      if (!res.headersSent) errorPage(res, 500, ErrorCode.INTERNAL, `Sign-in failed inside the gateway: ${(err as Error).message}`);
    });
    return true;
  };
}

function describe(identity: SsoIdentity): string {
  return `${identity.displayName} <${identity.subject}@${identity.issuer}>`;
}

/** Client-supplied text as an audit row keeps it: its start, and how long it was. */
function clip(text: string, max = AUDITED_TEXT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

function asLarmorError(err: unknown): LarmorError {
  return err instanceof LarmorError ? err : new LarmorError(ErrorCode.INTERNAL, (err as Error).message);
}

function cookieName(entry: PendingSignIn): string {
  // One cookie per sign-in (state is base64url, a valid cookie-name token): two tabs signing in at once do not overwrite each other.
  return `larmor_oidc_${entry.state}`;
}

function bindingCookie(entry: PendingSignIn, secure: boolean): string {
  // SameSite=Lax: sent on the provider's top-level redirect back to us, not on cross-site subrequests (RFC 6265bis 5.4.7).
  return `${cookieName(entry)}=${entry.browserBinding}; Path=/auth/oidc/callback; Max-Age=${SIGN_IN_TTL_MS / 1000}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

function clearCookie(entry: PendingSignIn, secure: boolean): string {
  return `${cookieName(entry)}=; Path=/auth/oidc/callback; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

function cookieMatches(req: IncomingMessage, entry: PendingSignIn): boolean {
  const name = cookieName(entry);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() === entry.browserBinding;
  }
  return false;
}

function backWithError(res: ServerResponse, returnTo: URL, refusal: LarmorError, cookie?: string): void {
  const url = new URL(returnTo.href);
  url.hash = new URLSearchParams({ [SSO_FRAGMENT_ERROR]: refusal.code, [SSO_FRAGMENT_MESSAGE]: refusal.message }).toString();
  res.writeHead(303, { location: url.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', ...(cookie ? { 'set-cookie': cookie } : {}) });
  res.end();
}

function errorPage(res: ServerResponse, status: number, code: string, sentence: string, cookie?: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in refused</title></head>
<body style="background:#111;color:#eee;font:14px system-ui,sans-serif;padding:2em">
<h1 style="font-size:18px">Sign-in refused</h1><p>${escapeHtml(sentence)}</p><p><code>${escapeHtml(code)}</code></p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'x-larmor-error': code,
    ...(cookie ? { 'set-cookie': cookie } : {}),
  });
  res.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
