/**
 * How the gateway hands the result of a hospital sign-in back to the page that started it:
 * a redirect to that page with the result in the URL fragment (RFC 3986 3.5: browsers never
 * send a fragment to a server nor put it in a Referer). Defined here so the gateway that
 * writes it and the sign-in screens that read it share one format.
 *
 *   return_to#larmor_session=CREDENTIAL[&larmor_level=mr2] signed in
 *   return_to#larmor_error=LARMOR_E_...&larmor_message=  refused, with a sentence to show
 */
export const SSO_START_PATH = '/auth/oidc/start';
export const SSO_AVAILABLE_PATH = '/auth/oidc/available';
export const SSO_FRAGMENT_SESSION = 'larmor_session';
export const SSO_FRAGMENT_ERROR = 'larmor_error';
export const SSO_FRAGMENT_MESSAGE = 'larmor_message';
/** Onsite staff: the MR level the credential carries (mr1|mr2|mrst), for the console to show; the gateway applies its own copy. */
export const SSO_FRAGMENT_LEVEL = 'larmor_level';

const LEVELS = ['mr1', 'mr2', 'mrst'] as const;

export type SsoReturn = { ok: true; credential: string; level: (typeof LEVELS)[number] | null } | { ok: false; code: string; message: string };

/** The sign-in result in a location hash ("#..." or ""), or null when the hash carries none. */
export function parseSsoReturn(hash: string): SsoReturn | null {
  const params = formDecode(hash.startsWith('#') ? hash.slice(1) : hash);
  const credential = params.get(SSO_FRAGMENT_SESSION);
  if (credential) {
    const level = LEVELS.find((l) => l === params.get(SSO_FRAGMENT_LEVEL)) ?? null;
    return { ok: true, credential, level };
  }
  const code = params.get(SSO_FRAGMENT_ERROR);
  if (code) return { ok: false, code, message: params.get(SSO_FRAGMENT_MESSAGE) ?? 'hospital sign-in was refused' };
  return null;
}

/** The gateway page that starts a hospital sign-in for `role` and comes back to `returnTo`. */
export function ssoStartUrl(gatewayHttpOrigin: string, role: string, returnTo: string): string {
  return `${gatewayHttpOrigin}${SSO_START_PATH}?role=${encodeURIComponent(role)}&return_to=${encodeURIComponent(returnTo)}`;
}

/**
 * application/x-www-form-urlencoded parsing (WHATWG URL 5.1), written out because this layer
 * has no URLSearchParams (no DOM, no Node types): "+" is a space, the rest percent-decoded.
 */
function formDecode(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const [key, value] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    try {
      const k = decodeURIComponent(key.replace(/\+/g, ' '));
      if (!out.has(k)) out.set(k, decodeURIComponent(value.replace(/\+/g, ' ')));
    } catch {
      // A malformed escape is not ours: skip it.
    }
  }
  return out;
}
