import { useEffect, useState } from 'react';
import { SSO_AVAILABLE_PATH, parseSsoReturn, ssoStartUrl, type SsoReturn } from '../../protocol/index.js';

/**
 * The result of a hospital sign-in this page came back with, taken once: the fragment is
 * cleared from the address bar at once, so the credential is not left in history, bookmarks
 * or a screenshot of the URL (protocol/sso-return.ts describes the format).
 */
export function takeSsoReturn(): SsoReturn | null {
  const result = parseSsoReturn(window.location.hash);
  if (result) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return result;
}

/**
 * "Sign in with hospital account": shown only when the gateway offers it (it answers
 * /auth/oidc/available only when started with --oidc-config). Leaves this page for the
 * hospital's sign-in page, which sends the browser back here with the session.
 */
export function HospitalSignInButton({ role }: { role: 'onsite' | 'operator' | 'observer' }) {
  const [offered, setOffered] = useState(false);
  useEffect(() => {
    let live = true;
    fetch(SSO_AVAILABLE_PATH, { cache: 'no-store' })
      .then((res) => live && setOffered(res.ok))
      .catch(() => live && setOffered(false));
    return () => {
      live = false;
    };
  }, []);
  if (!offered) return null;
  return (
    <button
      type="button"
      data-testid="hospital-sign-in"
      onClick={() => window.location.assign(ssoStartUrl(window.location.origin, role, window.location.pathname))}
    >
      Sign in with hospital account
    </button>
  );
}
