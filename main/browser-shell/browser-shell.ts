import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  BRIDGE_TOKEN_META,
  BROWSER_BRIDGE_PATH,
  BrowserBridgeRequest,
  ErrorCode,
  describeIssues,
  previewFrameMessages,
  type BrowserBridgeFrame,
  type PreviewImage,
  type SiteEntry,
} from '../../protocol/index.js';
import { deskOf, handleApiRequest, toApiError } from '../api-host.js';
import { pacePagePushes } from '../page-pushes.js';
import type { WorkstationCore } from '../core/workstation-core.js';
import type { Desk } from '../desk/desk.js';
import { siteListQuery } from '../desk/site-list-query.js';
import { RENDERER_CSP } from '../../base/node/csp.js';
import { readStatic } from '../../base/node/static-files.js';
import { NO_POLICY, type LoadedPolicy } from '../policy/machine-policy.js';

export interface BrowserShellOptions {
  /** The desk the page drives, or one core (served as a desk of one, docs/architecture.md "The desk"). */
  core: Desk | WorkstationCore;
  rendererDir: string;
  port?: number;
  /** Gateway URL the connect screen offers by default (passed as ?gateway=, as in Electron). */
  defaultGatewayUrl?: string;
  /** Account name the connect screen offers by default (?user=; the demo operator under npm start). */
  defaultUser?: string;
  /** The desk's default site list (?sites=, JSON): the connect screen signs in to every one. */
  defaultSites?: SiteEntry[];
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
/** Close code (4000-4999: application) of a bridge displaced by a newer page of this workstation. */
export const BRIDGE_SUPERSEDED = 4409;

export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const token = randomBytes(24).toString('base64url');
  const desk = deskOf(options.core);
  const server: Server = createServer((req, res) => void serve(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BRIDGE_FRAME });
  let origin = '';
  let port = 0;
  // DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 reaches this
  // server with its own Host header; only our loopback names are served.
  const hostOk = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = {
      'content-security-policy': RENDERER_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (!hostOk(req.headers.host)) {
      res.writeHead(421, { ...headers, 'content-type': 'text/plain' }).end('this workstation answers only on its loopback address\n');
      return;
    }
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
    // A target no URL can be made of would throw here, and end the workstation with it.
    if (!URL.canParse(req.url ?? '/', origin)) return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    const url = new URL(req.url ?? '/', origin);
    const offered = Buffer.from(url.searchParams.get('token') ?? '');
    const tokenOk = offered.length === token.length && timingSafeEqual(offered, Buffer.from(token));
    if (url.pathname !== BROWSER_BRIDGE_PATH || req.headers.origin !== origin || !tokenOk || !hostOk(req.headers.host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    // One workstation page drives the core at a time: a second bridge would be a second, unseen
    // operator. The newest page (same origin, same per-launch token) takes over, as a second tab
    // of the workstation does after the first released its media (renderer/src/logic/window-claim.ts);
    // the older page's bridge is closed, and it never reconnects by itself.
    for (const previous of wss.clients) previous.close(BRIDGE_SUPERSEDED, 'opened in another window');
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws, desk, options.policy ?? NO_POLICY));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: withSites(`${origin}/${query({ gateway: options.defaultGatewayUrl, user: options.defaultUser })}`, options.defaultSites),
    port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      // A page still open keeps HTTP connections (keep-alive, a request in flight): closing the
      // shell must not wait for the browser to let go of them.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function query(params: Record<string, string | undefined>): string {
  const set = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return set.length === 0 ? '' : `?${set.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}

function withSites(url: string, sites: readonly SiteEntry[] | undefined): string {
  const part = siteListQuery(sites);
  return part === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${part}`;
}

function injectShim(html: string, token: string): string {
  const meta =
    `<meta name="${BRIDGE_TOKEN_META}" content="${token}">` +
    // A module script, like the app's: modules run in document order, so window.larmor exists
    // before the app's first line, and the shim may share chunks with the app.
    `<script type="module" src="./larmor-shim.js"></script>`;
  return html.replace(/<head>/i, `<head>${meta}`);
}

/**
 * Bytes the page's socket may hold unsent before views and log batches wait in the pacer
 * instead (main/page-pushes.ts): a page that reads slowly holds about one view here, never a
 * queue of them (docs/architecture.md "Pushes to the window").
 */
const PAGE_SOCKET_HIGH_WATER = 256 * 1024;

/** One page's bridge: requests in, responses and pushes out. */
function bridge(ws: WebSocket, core: Desk, policy: LoadedPolicy): void {
  const send = (frame: BrowserBridgeFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const onImage = (image: PreviewImage) => {
    if (ws.readyState !== ws.OPEN) return;
    // Each message in two fragments, sent together so nothing comes between them: the pixels go
    // out from the image's own buffer instead of being copied into a frame first. A large image
    // goes in parts, so the page's main thread takes it in a slice at a time.
    for (const [bytes, end] of previewFrameMessages(image)) {
      ws.send(bytes, { binary: true, fin: false });
      ws.send(end, { binary: true, fin: true });
    }
  };
  core.on('image', onImage);
  const pushes = pacePagePushes(core, { send: (push, value) => send({ push, value }), ready: () => ws.bufferedAmount < PAGE_SOCKET_HIGH_WATER }, [
    'state',
    'health',
    'log',
    'media',
    'desk',
  ]);
  // The page's first views (a log subscriber asks log.recent itself).
  pushes.offer('state', core.view());
  pushes.offer('desk', core.deskView());
  ws.on('message', async (data, isBinary) => {
    let request: BrowserBridgeRequest;
    try {
      if (isBinary) throw new Error('binary');
      const parsed = BrowserBridgeRequest.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) throw new Error(describeIssues(parsed.error.issues));
      request = parsed.data;
    } catch (err) {
      send({ id: null, ok: false, error: { code: ErrorCode.IPC_INVALID_PAYLOAD, message: `bridge frames are JSON requests: ${(err as Error).message}` } });
      return;
    }
    try {
      send({ id: request.id, ok: true, value: await handleApiRequest(core, request.channel, request.payload, policy) });
    } catch (err) {
      send({ id: request.id, ok: false, error: toApiError(err) });
    }
  });
  ws.on('close', () => {
    pushes.stop();
    core.off('image', onImage);
  });
}
