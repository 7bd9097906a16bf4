import { parseSsoReturn, ssoStartUrl, type ConnectRequest } from '../../../protocol/index.js';
import type { KeyValueStore, WorkstationRole } from './connect-defaults.js';

/**
 * Hospital sign-in from the connect screen: the page leaves for the gateway's
 * /auth/oidc/start, the hospital's sign-in page sends it back here with the session credential
 * in the fragment (protocol/sso-return.ts), and the connect resumes with it. What the form held
 * (gateway, role) waits in session storage, which this tab alone sees and closing it clears.
 */
export const SSO_PENDING_KEY = 'larmor.connect.hospital-sign-in';

/** Shown until the welcome names the person (the gateway takes the name from the hospital account). */
const NAME_BEFORE_WELCOME = 'Hospital account';

interface PendingConnect {
  url: string;
  role: WorkstationRole;
  token?: string;
}

/** Where to send the page to start a hospital sign-in, remembering what the form held. */
export function beginHospitalSignIn(form: PendingConnect, pageUrl: string, storage: KeyValueStore | null): string {
  try {
    storage?.setItem(SSO_PENDING_KEY, JSON.stringify(form));
  } catch {
    // Without storage the page comes back signed in but with an empty form; still usable.
  }
  const page = new URL(pageUrl);
  page.hash = '';
  return ssoStartUrl(gatewayHttpOrigin(form.url), form.role, page.href);
}

/**
 * Back from the hospital's sign-in page: the connect request to make, or the refusal to show,
 * or null when this page load is not a return from sign-in. The caller clears the fragment.
 */
export function finishHospitalSignIn(
  hash: string,
  storage: (KeyValueStore & { removeItem?(key: string): void }) | null,
): { connect: ConnectRequest } | { error: string } | null {
  const result = parseSsoReturn(hash);
  if (!result) return null;
  let pending: PendingConnect | null;
  try {
    pending = JSON.parse(storage?.getItem(SSO_PENDING_KEY) ?? 'null') as PendingConnect | null;
    storage?.removeItem?.(SSO_PENDING_KEY);
  } catch {
    pending = null;
  }
  if (!result.ok) return { error: `${result.message} (${result.code})` };
  if (!pending || typeof pending.url !== 'string')
    return { error: 'Signed in at the hospital, but this window forgot which gateway to connect to. Enter it and sign in again.' };
  return {
    connect: {
      url: pending.url,
      role: pending.role,
      name: NAME_BEFORE_WELCOME,
      session: result.credential,
      ...(pending.token ? { token: pending.token } : {}),
    },
  };
}

/** http(s)://host:port of a ws(s):// gateway URL: its sign-in pages live there. */
export function gatewayHttpOrigin(linkUrl: string): string {
  return new URL(linkUrl.replace(/^ws/i, 'http')).origin;
}
