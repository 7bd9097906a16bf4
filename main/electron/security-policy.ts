/**
 * The Electron shell's security decisions as pure functions, so they are tested without an
 * Electron binary. Deny by default: one page (ours), one permission (camera and microphone).
 */

/** A page URL without its query and fragment (the app passes ?gateway= to its own page). */
export function pageOf(url: string): string {
  return url.split(/[?#]/)[0]!;
}

/** "app://larmor" of "app://larmor/index.html" (Node's URL gives "null" for custom schemes). */
function originOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)/i.exec(url);
  return match ? match[1]!.toLowerCase() : '';
}

/**
 * Camera and microphone for the video panes, requested by our own page, and nothing else:
 * no screen capture, notifications, geolocation, MIDI, clipboard or HID.
 */
export function allowPermissionRequest(permission: string, details: { requestingUrl?: string; mediaTypes?: string[] }, appPageUrl: string): boolean {
  if (permission !== 'media') return false;
  if (pageOf(details.requestingUrl ?? '') !== appPageUrl) return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((type) => type === 'audio' || type === 'video');
}

/** Synchronous permission checks (e.g. enumerateDevices labels) follow the same rule, by origin. */
export function allowPermissionCheck(permission: string, requestingOrigin: string, appPageUrl: string): boolean {
  return permission === 'media' && originOf(requestingOrigin) === originOf(appPageUrl);
}

/** The window never leaves our page (a link or a script cannot navigate it elsewhere). */
export function allowNavigation(url: string, appPageUrl: string): boolean {
  return pageOf(url) === appPageUrl;
}
