import { RENDERER_CSP } from '../../base/node/csp.js';
import { readStatic } from '../../base/node/static-files.js';
import type { ShellElectron } from './electron-api.js';

/**
 * The page is served from a custom scheme, not file:// (Electron security checklist, "Use a
 * custom protocol instead of file://"): file:// pages can read every local file and share one
 * origin, and a CSP cannot be sent with them. app://larmor/ is one origin holding only our
 * renderer build, and every response carries the CSP.
 */
const APP_SCHEME = 'app';
const APP_ORIGIN = 'app://larmor';
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/**
 * standard: relative URLs and an origin like https; secure: the page is a secure context
 * (getUserMedia for the video panes needs one); supportFetchAPI: module scripts load through
 * fetch. Not bypassCSP, not corsEnabled, no service workers: nothing the page does not need.
 */
const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

/** Must run before the app is ready (Electron registers privileged schemes at startup only). */
export function registerAppScheme(protocol: ShellElectron['protocol']): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
}

const SECURITY_HEADERS = {
  'content-security-policy': RENDERER_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * One request to app://larmor/...: a GET for a file of the renderer build, never outside it
 * (static-files.ts refuses ../ and encoded escapes); anything else 404/405. Every response,
 * errors included, carries the CSP.
 */
async function serveAppRequest(request: Request, rendererDir: string): Promise<Response> {
  const url = new URL(request.url);
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN)
    return new Response('not found\n', { status: 404, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain' } });
  if (request.method !== 'GET') return new Response(null, { status: 405, headers: SECURITY_HEADERS });
  const file = await readStatic(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
  if (!file) return new Response('not found\n', { status: 404, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain' } });
  return new Response(new Uint8Array(file.body), { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': file.type } });
}

/** After the app is ready: app:// answers from the renderer build. */
export function handleAppScheme(protocol: ShellElectron['protocol'], rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));
}
