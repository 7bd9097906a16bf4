import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import {
  ErrorCode,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  decodeGatewayMessage,
  type ClientMessage,
  type GatewayMessage,
  type Role,
  type WelcomeMessage,
} from '../../protocol/index.js';

export interface LinkTarget {
  url: string;
  role: Role;
  name: string;
  token?: string;
}

export interface GatewayLinkEvents {
  welcome: [WelcomeMessage];
  message: [GatewayMessage];
  /** A binary frame (an image); a view of the received bytes. */
  binary: [Uint8Array];
  /** Link closed. `code` is a LARMOR_E_* code or null after a deliberate close. */
  closed: [{ code: string | null; reason: string }];
  /** A frame from the gateway that did not parse: reported, the link stays up. */
  'protocol-error': [{ code: string; message: string }];
  /** Round trip of one heartbeat, in ms. */
  pong: [{ rttMs: number; sentAt: number }];
  /** A heartbeat was sent (for loss accounting by the health monitor). */
  ping: [{ sentAt: number }];
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/;

/**
 * Refuse cleartext outside loopback before a single byte leaves: every link beyond this machine
 * is wss:// (DESIGN.md security defaults).
 */
export function checkLinkUrl(url: string): { code: string; message: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { code: ErrorCode.INVALID_PARAMETER, message: `${url} is not a URL` };
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return { code: ErrorCode.INVALID_PARAMETER, message: 'gateway URL must be ws:// or wss://' };
  if (parsed.protocol === 'ws:' && !LOOPBACK_HOST.test(parsed.hostname)) {
    return { code: 'LARMOR_E_INSECURE_LINK', message: `cleartext ws:// is allowed only on loopback; use wss:// for ${parsed.hostname}` };
  }
  return null;
}

/**
 * One WebSocket link to a gateway: handshake, heartbeat and framing. It does not retry; the
 * workstation core decides what to do when it closes.
 */
export class GatewayLink extends EventEmitter<GatewayLinkEvents> {
  private ws: WebSocket | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private closedReported = false;
  welcome: WelcomeMessage | null = null;

  constructor(readonly target: LinkTarget, private readonly options: { resumeFrom?: number; heartbeatMs?: number } = {}) {
    super();
  }

  open(): void {
    const problem = checkLinkUrl(this.target.url);
    if (problem) {
      queueMicrotask(() => this.reportClosed(problem.code, problem.message));
      return;
    }
    const ws = new WebSocket(this.target.url, SUBPROTOCOL, { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: 5000 });
    ws.binaryType = 'nodebuffer';
    this.ws = ws;
    ws.on('open', () => {
      this.send({
        type: 'hello',
        version: PROTOCOL_VERSION,
        role: this.target.role,
        credentials: { name: this.target.name, ...(this.target.token ? { token: this.target.token } : {}) },
        ...(this.options.resumeFrom !== undefined ? { resumeFrom: this.options.resumeFrom } : {}),
      });
    });
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.emit('binary', new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        return;
      }
      const decoded = decodeGatewayMessage(data.toString('utf8'));
      if (!decoded.ok) {
        this.emit('protocol-error', { code: decoded.code, message: decoded.message });
        return;
      }
      this.handle(decoded.message);
    });
    ws.on('error', (err: Error & { code?: string }) => {
      this.reportClosed(ErrorCode.LINK_DOWN, `${err.code ?? 'error'}: ${err.message}`);
      ws.terminate();
    });
    ws.on('close', (code, reason) => {
      const text = reason.toString();
      if (code === 1000 && this.closedReported) return;
      this.reportClosed(ErrorCode.LINK_DOWN, `link closed (${code}${text ? ` ${text}` : ''})`);
    });
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.welcome !== null;
  }

  send(message: ClientMessage): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Deliberate close by the user. */
  close(): void {
    this.reportClosed(null, 'disconnected by user');
    this.ws?.close(1000, 'bye');
  }

  /** Drop the socket at once, as a dead network would (used on heartbeat loss). */
  abandon(code: string, reason: string): void {
    this.reportClosed(code, reason);
    this.ws?.terminate();
  }

  private handle(message: GatewayMessage): void {
    if (message.type === 'welcome') {
      this.welcome = message;
      this.startHeartbeat(this.options.heartbeatMs ?? message.heartbeat.intervalMs);
      this.emit('welcome', message);
      return;
    }
    if (message.type === 'refused') {
      this.reportClosed(message.code, message.reason);
      this.ws?.close(1000, 'refused');
      return;
    }
    if (message.type === 'pong') {
      this.emit('pong', { rttMs: performance.now() - message.t, sentAt: message.t });
      return;
    }
    this.emit('message', message);
  }

  private startHeartbeat(intervalMs: number): void {
    this.heartbeat = setInterval(() => {
      const sentAt = performance.now();
      if (this.send({ type: 'ping', t: sentAt })) this.emit('ping', { sentAt });
    }, intervalMs);
    this.heartbeat.unref();
  }

  private reportClosed(code: string | null, reason: string): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.closedReported) return;
    this.closedReported = true;
    this.emit('closed', { code, reason });
  }
}
