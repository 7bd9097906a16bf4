import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** URL path of the onsite console (issue 6). */
export const ONSITE_PATH = '/onsite';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * The built page (`vite build --config gateway/onsite-ui/vite.config.ts` writes dist/onsite/).
 * From dist/gateway/server/ it is ../../onsite; from the sources (tests run them directly) it
 * is ../../dist/onsite.
 */
export function defaultOnsiteDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = join(here, '..', '..', 'onsite');
  return existsSync(join(built, 'index.html')) ? built : join(here, '..', '..', 'dist', 'onsite');
}

/**
 * Content Security Policy of the onsite console: our own scripts and styles only, no inline
 * script, no eval, no framing; connections only to this gateway's own WebSocket.
 */
export function onsiteCsp(wsOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${wsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Serve /onsite and /onsite/assets/*; returns false for any other path. */
export async function serveOnsitePage(req: IncomingMessage, res: ServerResponse, root: string, wsOrigin: string): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path !== ONSITE_PATH && !path.startsWith(`${ONSITE_PATH}/`)) return false;
  const headers = {
    'content-security-policy': onsiteCsp(wsOrigin),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    // Camera and microphone for this page only; nothing else.
    'permissions-policy': 'camera=(self), microphone=(self), geolocation=(), usb=(), serial=()',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return true;
  }
  const rest = path.slice(ONSITE_PATH.length);
  const file = resolveInside(root, rest === '' || rest === '/' ? '/index.html' : rest);
  let body: Buffer | null = null;
  if (file) body = await readFile(file).catch(() => null);
  if (!file || !body) {
    const missing = rest === '' || rest === '/' ? 'the onsite console is not built: run `npx vite build --config gateway/onsite-ui/vite.config.ts`\n' : 'not found\n';
    res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(missing);
    return true;
  }
  res.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(req.method === 'HEAD' ? undefined : body);
  return true;
}

function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = normalize(join(root, decoded));
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}
