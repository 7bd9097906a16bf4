import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onsiteCsp } from '../../base/node/csp.js';
import { readStatic } from '../../base/node/static-files.js';

/** URL path of the onsite console. */
export const ONSITE_PATH = '/onsite';

/**
 * The built page (`vite build --config onsite/vite.config.ts` writes dist/onsite/).
 * From dist/gateway/server/ it is ../../onsite; from the sources (tests run them directly) it
 * is ../../dist/onsite.
 */
export function defaultOnsiteDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = join(here, '..', '..');
  // From the sources, ../../onsite is the page's source folder, never to be served.
  return basename(root) === 'dist' ? join(root, 'onsite') : join(root, 'dist', 'onsite');
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
  const file = await readStatic(root, rest === '' || rest === '/' ? '/index.html' : rest);
  if (!file) {
    const missing = rest === '' || rest === '/' ? 'the onsite console is not built: run `npx vite build --config onsite/vite.config.ts`\n' : 'not found\n';
    res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(missing);
    return true;
  }
  res.writeHead(200, { ...headers, 'content-type': file.type }).end(req.method === 'HEAD' ? undefined : file.body);
  return true;
}
