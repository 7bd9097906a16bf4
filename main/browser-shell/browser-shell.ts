import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { previewFrameParts, type PreviewImage } from '../../protocol/index.js';
import { handleApiRequest, toApiError } from '../api-host.js';
import type { WorkstationCore } from '../core/workstation-core.js';
import { NO_POLICY, type LoadedPolicy } from '../policy/machine-policy.js';
import { readStatic } from './static-files.js';

/**
 * Content Security Policy of the workstation page: only our own scripts, no inline script,
 * no eval, no framing; connections only back to this origin (the bridge).
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface BrowserShellOptions {
  core: WorkstationCore;
  rendererDir: string;
  port?: number;
  /** Gateway URL the connect screen offers by default (passed as ?gateway=, as in Electron). */
  defaultGatewayUrl?: string;
  /** The machine policy, applied to requests exactly as in the Electron shell (none when absent). */
  policy?: LoadedPolicy;
}

export interface BrowserShell {
  /** The page to open: carries the default gateway in ?gateway= when one was given. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BRIDGE_FRAME = 256 * 1024;

/**
 * Where no Electron binary exists, the same core serves the renderer over HTTP on loopback and
 * a shim implements window.larmor over this bridge. A harness and a fallback, not a second
 * product: the bridge admits only pages served by itself (Origin) holding this launch's token.
 */
export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const token = randomBytes(24).toString('base64url');
  const server: Server = createServer((req, res) => void serve(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BRIDGE_FRAME });
  let origin = '';

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = { 'content-security-policy': RENDERER_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };
    if (req.method !== 'GET') {
      res.writeHead(405, headers).end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const file = await readStatic(options.rendererDir, path === '/' ? '/index.html' : path);
    if (!file) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    let body: Buffer | string = file.body;
    if (path === '/' || path === '/index.html') body = injectShim(file.body.toString('utf8'), token);
    res.writeHead(200, { ...headers, 'content-type': file.type }).end(body);
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const offered = Buffer.from(url.searchParams.get('token') ?? '');
    const tokenOk = offered.length === token.length && timingSafeEqual(offered, Buffer.from(token));
    if (url.pathname !== '/bridge' || req.headers.origin !== origin || !tokenOk) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws, options.core, options.policy ?? NO_POLICY));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/${options.defaultGatewayUrl ? `?gateway=${encodeURIComponent(options.defaultGatewayUrl)}` : ''}`,
    port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function injectShim(html: string, token: string): string {
  const meta =
    `<meta name="larmor-bridge-token" content="${token}">` +
    // A module script, like the app's: modules run in document order, so window.larmor exists
    // before the app's first line, and the shim may share chunks with the app.
    `<script type="module" src="./larmor-shim.js"></script>`;
  return html.replace(/<head>/i, `<head>${meta}`);
}


/** One page's bridge: requests in, responses and pushes out. */
function bridge(ws: WebSocket, core: WorkstationCore, policy: LoadedPolicy): void {
  const push = (channel: string) => (value: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ push: channel, value }));
  };
  const onState = push('state');
  const onLog = push('log');
  const onMedia = push('media');
  const onImage = (image: PreviewImage) => {
    if (ws.readyState !== ws.OPEN) return;
    // One message in two fragments, sent together so nothing comes between them: the pixels go
    // out from the image's own buffer instead of being copied into a frame first.
    const { pixels, trailer } = previewFrameParts(image);
    ws.send(pixels, { binary: true, fin: false });
    ws.send(trailer, { binary: true, fin: true });
  };
  core.on('state', onState);
  core.on('log', onLog);
  core.on('media', onMedia);
  core.on('image', onImage);
  onState(core.view());
  ws.on('message', async (data, isBinary) => {
    let request: { id?: unknown; channel?: unknown; payload?: unknown };
    try {
      if (isBinary) throw new Error('binary');
      request = JSON.parse(data.toString());
    } catch {
      ws.send(JSON.stringify({ id: null, ok: false, error: { code: 'LARMOR_E_IPC_INVALID_PAYLOAD', message: 'bridge frames are JSON requests' } }));
      return;
    }
    const id = typeof request.id === 'number' ? request.id : null;
    try {
      const value = await handleApiRequest(core, request.channel, request.payload, policy);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, ok: true, value }));
    } catch (err) {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, ok: false, error: toApiError(err) }));
    }
  });
  ws.on('close', () => {
    core.off('state', onState);
    core.off('log', onLog);
    core.off('media', onMedia);
    core.off('image', onImage);
  });
}
