/**
 * Where the session credential may go after sign-in. It travels in the URL fragment, which the
 * browser never sends to any server and never puts in a Referer (RFC 3986 section 3.5), so the
 * only party that reads it is the page at return_to: that page must be one we trust.
 *
 * Allowed: a path on this gateway ("/onsite"), an exact allow-listed origin, or a loopback
 * origin listed with a "*" port (the native-app loopback redirect of RFC 8252 section 7.3,
 * for the workstation's local browser shell, whose port changes every launch).
 */
export function allowedReturnTo(returnTo: string, gatewayOrigin: string, allowedOrigins: readonly string[]): URL | null {
  // "//host" and "/\host" are protocol-relative in browsers: never treat them as our own paths.
  if (returnTo.startsWith('/') && !returnTo.startsWith('//') && !returnTo.startsWith('/\\')) {
    const url = parse(returnTo, gatewayOrigin);
    return url && url.origin === gatewayOrigin && url.hash === '' ? url : null;
  }
  const url = parse(returnTo);
  if (!url || url.hash !== '' || url.username !== '' || url.password !== '') return null;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.origin === gatewayOrigin) return url;
  for (const allowed of allowedOrigins) {
    if (allowed === url.origin) return url;
    const wildcard = /^(https?):\/\/(127\.0\.0\.1|localhost|\[::1\]):\*$/.exec(allowed);
    if (wildcard && url.protocol === `${wildcard[1]}:` && url.hostname === wildcard[2]) return url;
  }
  return null;
}

function parse(text: string, base?: string): URL | null {
  try {
    return new URL(text, base);
  } catch {
    return null;
  }
}
