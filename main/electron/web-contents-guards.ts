import type { ShellSession, WebContents } from './electron-api.js';
import { allowNavigation, allowPermissionCheck, allowPermissionRequest } from './security-policy.js';

/**
 * Every web contents (the window, and anything it might try to create) stays on our page:
 * no navigation, frame navigation or redirect elsewhere, no new windows, no <webview>
 * (Electron security checklist items "Disable or limit navigation", "Disable or limit creation
 * of new windows", "Verify WebView options before creation").
 */
export function guardWebContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, appPageUrl: string): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => {
    if (!allowNavigation(event.url, appPageUrl)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!allowNavigation(event.url, appPageUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!allowNavigation(event.url, appPageUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Session-wide permission answers (checklist "Handle session permission requests from remote
 * content"): camera and microphone for our page only; no device (HID, USB, serial), no screen
 * capture, no downloads.
 */
export function guardSession(session: ShellSession, appPageUrl: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowPermissionRequest(permission, details as { requestingUrl?: string; mediaTypes?: string[] }, appPageUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => allowPermissionCheck(permission, requestingOrigin, appPageUrl));
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));
  session.on('will-download', (event) => event.preventDefault());
}
