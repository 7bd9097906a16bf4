import { EventEmitter } from 'node:events';
import WebSocket, { type ClientOptions } from 'ws';
import { isLoopbackHost } from '../../base/common/loopback.js';
import {
  ErrorCode,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  decodeGatewayMessage,
  type HelloMessage,
  type ClientMessage,
  type GatewayMessage,
  type Role,
  type WelcomeMessage,
} from '../../protocol/index.js';
import { tlsFor, type LinkTls } from './link-tls.js';

/** Where a reconnecting client resumes: the last event number it saw, in that gateway boot. */
export interface ResumePoint {
  seq: number;
  bootId: string;
  /** The resume secret of the last welcome: with the same credential it takes back scanner control. */
  secret?: string;
}

export interface LinkTarget {
  url: string;
  role: Role;
  name: string;
  token?: string;
  /** Session credential from sign-in (protocol/auth.ts). */
  session?: string;
}

export interface GatewayLinkEvents {
  welcome: [WelcomeMessage];
  message: [GatewayMessage];
  /** A binary frame (an image); a view of the received bytes. */
  binary: [Uint8Array];
  /**
   * Link closed. `code` is a LARMOR_E_* code or null after a deliberate close; `refused` when
   * the gateway answered the hello with a refusal (retrying the same hello is pointless).
   */
  closed: [{ code: string | null; reason: string; refused: boolean }];
  /** Any frame arrived (a sign of life for the health monitor), monotonic ms. */
  rx: [number];
  /** A frame from the gateway that did not parse: reported, the link stays up. */
  'protocol-error': [{ code: string; message: string }];
  /** Round trip of one heartbeat, in ms. */
  pong: [{ rttMs: number; sentAt: number }];
  /** A heartbeat was sent (for loss accounting by the health monitor). */
  ping: [{ sentAt: number }];
}

/**
 * Refuse cleartext outside loopback before a single byte leaves: every link beyond this machine
 * is wss:// (docs/architecture.md "Security defaults").
 */
export function checkLinkUrl(url: string): { code: string; message: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { code: ErrorCode.INVALID_PARAMETER, message: `${url} is not a URL` };
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return { code: ErrorCode.INVALID_PARAMETER, message: 'gateway URL must be ws:// or wss://' };
  if (parsed.protocol === 'ws:' && !isLoopbackHost(parsed.hostname)) {
    return { code: ErrorCode.INSECURE_LINK, message: `cleartext ws:// is allowed only on loopback; use wss:// for ${parsed.hostname}` };
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
  private welcomeTimer: NodeJS.Timeout | null = null;
  private closedReported = false;
  welcome: WelcomeMessage | null = null;

  constructor(
    readonly target: LinkTarget,
    private readonly options: {
      resume?: ResumePoint;
      /** Heartbeat period; the gateway's own period is used when it asks for a shorter one. */
      heartbeatMs?: number;
      /** Give up on this attempt when no welcome arrives within this time (a black-holed route). */
      welcomeTimeoutMs?: number;
      /** The machine policy's CA bundle and pins for this gateway (main/core/link-tls.ts). */
      linkTls?: LinkTls;
    } = {},
  ) {
    super();
  }

  open(): void {
    const problem = checkLinkUrl(this.target.url);
    if (problem) {
      queueMicrotask(() => this.reportClosed(problem.code, problem.message));
      return;
    }
    const welcomeTimeoutMs = this.options.welcomeTimeoutMs ?? 5000;
    // ws hands its options to tls.connect, whose checkServerIdentity returns an Error (Node's tls
    // docs); @types/ws still declares ws 2's boolean form, hence the cast.
    const tls = tlsFor(this.options.linkTls, this.target.url) as Pick<ClientOptions, 'ca'>;
    const ws = new WebSocket(this.target.url, SUBPROTOCOL, { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: welcomeTimeoutMs, ...tls });
    this.welcomeTimer = setTimeout(
      () => this.abandon(ErrorCode.LINK_DOWN, `no welcome from ${this.target.url} within ${welcomeTimeoutMs} ms`),
      welcomeTimeoutMs,
    );
    this.welcomeTimer.unref();
    ws.binaryType = 'nodebuffer';
    this.ws = ws;
    ws.on('open', () => this.send(this.hello()));
    ws.on('message', (data: Buffer, isBinary) => {
      if (this.closedReported) return;
      this.emit('rx', performance.now());
      if (isBinary) {
        // Sequenced frames before the welcome are ignored: the gateway appended them before it
        // computed the welcome, so they are in its replay or covered by its snapshot.
        if (!this.welcome) return;
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

  /**
   * The hello of this attempt. It carries no name: the gateway names a session after its signed-in
   * account, and an account's display name may be longer than the hello's field allows.
   */
  private hello(): HelloMessage {
    return {
      type: 'hello',
      version: PROTOCOL_VERSION,
      role: this.target.role,
      credentials: {
        ...(this.target.token ? { token: this.target.token } : {}),
        ...(this.target.session ? { session: this.target.session } : {}),
      },
      ...(this.options.resume ? { resumeFrom: this.options.resume.seq, resumeBootId: this.options.resume.bootId } : {}),
      ...(this.options.resume?.secret ? { resumeSecret: this.options.resume.secret } : {}),
    };
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.welcome !== null;
  }

  send(message: ClientMessage): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /**
   * Stops reading the socket, or reads it again: what the gateway sends waits in the kernel's
   * buffers, then in the gateway's send queue, whose limit cuts a link that stays behind
   * (gateway/server/link-limits.ts). Frames already read may still be handed on.
   */
  readFrames(read: boolean): void {
    if (read) this.ws?.resume();
    else this.ws?.pause();
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
      // The gateway welcomes a link once (docs/architecture.md "Wire protocol"): another welcome
      // would replace the session, the resume secret and the event numbering under a live link.
      if (this.welcome) {
        this.emit('protocol-error', { code: ErrorCode.ALREADY_GREETED, message: 'a second welcome on a link already welcomed: not taken' });
        return;
      }
      if (this.welcomeTimer) clearTimeout(this.welcomeTimer);
      this.welcome = message;
      this.startHeartbeat(Math.min(this.options.heartbeatMs ?? Infinity, message.heartbeat.intervalMs));
      this.emit('welcome', message);
      return;
    }
    if (message.type === 'refused') {
      this.reportClosed(message.code, message.reason, true);
      this.ws?.close(1000, 'refused');
      return;
    }
    if (message.type === 'error' && !this.welcome) {
      // Before the welcome the hello is all this link has sent: the gateway did not take it, and
      // will not welcome this attempt. It ends now, with the gateway's words, not at the timeout.
      this.reportClosed(message.code, `the gateway did not take the hello: ${message.message}`);
      this.ws?.close(1000, 'hello not taken');
      return;
    }
    if (message.type === 'event' && !this.welcome) return; // see the binary case above
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

  private reportClosed(code: string | null, reason: string, refused = false): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.welcomeTimer) clearTimeout(this.welcomeTimer);
    this.heartbeat = null;
    if (this.closedReported) return;
    this.closedReported = true;
    this.emit('closed', { code, reason, refused });
  }
}
