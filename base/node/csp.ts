/**
 * Content Security Policies of the two pages Larmor serves (CSP Level 3, W3C): our own scripts
 * only, no inline script, no eval, no framing, no plugins; media from the call only. The pages
 * differ in two directives, written out below.
 */
function policy(directives: { styleSrc: string; connectSrc: string }): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src ${directives.styleSrc}`,
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src ${directives.connectSrc}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The workstation page (Electron and the browser shell): React sets inline styles, hence
 * 'unsafe-inline' for styles only; connections only back to this origin (the bridge).
 */
export const RENDERER_CSP = policy({ styleSrc: "'self' 'unsafe-inline'", connectSrc: "'self'" });

/** The onsite console the gateway serves: connections only to this gateway's own WebSocket. */
export function onsiteCsp(wsOrigin: string): string {
  return policy({ styleSrc: "'self'", connectSrc: `'self' ${wsOrigin}` });
}
