import Database from 'better-sqlite3';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { ErrorCode, LarmorError } from '../../../protocol/index.js';
import { iterateRows } from '../audit-reader.js';
import { octetCounted, syslogMessage, type SyslogOrigin } from './rfc5424.js';
import { readCursor, writeCursor } from './shipped-cursor.js';

export interface AuditSyslogOptions {
  /** tls://HOST:PORT of the site's audit record repository (RFC 5425). */
  url: string;
  /** PEM CA certificate(s) the repository's certificate must chain to (default: Node's roots). */
  ca?: string | Buffer;
  /** PEM client certificate and key, for repositories that authenticate nodes (IHE ATNA ITI-19). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /**
   * TLS syslog has no acknowledgements (RFC 5425), and bytes the kernel accepted may still sit
   * unread in this host's send buffer and the repository's receive buffer, to be lost if the
   * repository resets. A row therefore counts as received only once at least this many bytes
   * written after it on the same connection were handed to the kernel: more than both buffers
   * can hold, so the repository must have read past the row. It must exceed this host's TCP
   * send buffer plus the repository's receive buffer (net.ipv4.tcp_wmem and tcp_rmem; the
   * kernel grows a receive buffer while its reader keeps up), so the default, 64 MiB, is above
   * Linux's largest by default (4 MiB and, on Debian's kernels, 32 MiB). Measured on this
   * loopback: 3.8 MiB held unread for a repository that never read, 5-8 MiB for one that read
   * 25-100 MB as fast as they came and then stopped, and over 21 MiB for the same on a busy
   * machine (a 16 MiB bound counted 1,281 unread rows delivered). Rows not yet covered are sent
   * again after a link loss or a crash; resends carry the same row id (RFC 5424 structured
   * data), so the repository can drop them. `larmor gateway --audit-syslog-unread-mb`.
   */
  unreadBytesBound?: number;
}

export interface AuditShipperOptions extends AuditSyslogOptions {
  databaseFile: string;
  cursorFile: string;
  origin: SyslogOrigin;
  log?: (line: string) => void;
  /** A TCP connect plus TLS handshake not done in this time is given up (and retried). */
  handshakeTimeoutMs?: number;
  /** Messages waiting to go out with nothing accepted by the kernel for this long: the repository stopped reading; reconnect. */
  stallTimeoutMs?: number;
  /** TCP keepalive probes after this much idle time, so a silently dead link is noticed. */
  keepAliveMs?: number;
  /** First delay before reconnecting; it doubles on each failure up to 10 s. */
  reconnectMinMs?: number;
}

const BATCH_ROWS = 200;
const RECONNECT_MAX_MS = 10_000;

function formatMiB(bytes: number): string {
  return `${Number((bytes / 1024 / 1024).toFixed(2))} MiB`;
}

/** Parses `tls://HOST:PORT` (IPv6 in brackets); throws a coded error for anything else. */
export function parseSyslogUrl(url: string): { host: string; port: number } {
  const match = /^tls:\/\/(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})\/?$/.exec(url);
  const port = match ? Number(match[2]) : NaN;
  if (!match || !(port > 0 && port <= 65535)) throw new LarmorError(ErrorCode.AUDIT_INVALID_ARGUMENT, `--audit-syslog ${url} must be tls://HOST:PORT`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * Ships every audit row, in order, as a DICOM audit message over RFC 5425 TLS syslog to the
 * site's audit repository. The audit table is the queue and a cursor file remembers what was
 * delivered, so an outage of the collector (or of the gateway during one) queues on disk and
 * loses nothing: after reconnecting, sending resumes after the last row known to be delivered,
 * which may resend some the repository already has (same row id, see `unreadBytesBound`).
 */
export class AuditShipper {
  private readonly db: Database.Database;
  private readonly target: { host: string; port: number };
  private readonly unreadBytesBound: number;
  private readonly handshakeTimeoutMs: number;
  private readonly stallTimeoutMs: number;
  private readonly keepAliveMs: number;
  private readonly reconnectMinMs: number;
  private readonly log: (line: string) => void;
  private socket: TLSSocket | null = null;
  private connected = false;
  private closing = false;
  /** Last row the repository is known to have. */
  private confirmedId: number;
  /** The id in the cursor file (written on the watchdog tick, not per row). */
  private persistedId: number;
  /** Last row written on the current connection. */
  private sentId: number;
  /** Plaintext bytes written on the current connection, and how many of them the kernel accepted. */
  private writtenBytes = 0;
  private flushedBytes = 0;
  /** Rows written on the current connection and not yet confirmed, with `end` = writtenBytes after each. */
  private inFlight: { id: number; end: number }[] = [];
  /** When the kernel last accepted bytes, or when a write last found nothing waiting in front of it. */
  private progressAt = 0;
  /**
   * Why the connection ended, logged as is: handshake-timeout, write-stalled,
   * closed-by-repository, or the socket's error code (ECONNRESET, ECONNREFUSED, ...).
   */
  private lossReason: string | null = null;
  private pumpScheduled = false;
  private waitingForDrain = false;
  private reconnectMs: number;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly options: AuditShipperOptions) {
    this.target = parseSyslogUrl(options.url);
    this.unreadBytesBound = options.unreadBytesBound ?? 64 * 1024 * 1024;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
    this.keepAliveMs = options.keepAliveMs ?? 30_000;
    this.reconnectMinMs = options.reconnectMinMs ?? 250;
    this.reconnectMs = this.reconnectMinMs;
    this.log = options.log ?? (() => {});
    this.db = new Database(options.databaseFile, { readonly: true, fileMustExist: true });
    const cursor = readCursor(options.cursorFile);
    // A repository new to this gateway gets the rows from now on; `larmor audit export
    // --format dicom` hands it the history.
    this.confirmedId = cursor?.destination === options.url ? cursor.id : ((this.db.prepare('SELECT max(id) FROM audit').pluck().get() as number | null) ?? 0);
    this.sentId = this.confirmedId;
    this.persistedId = this.confirmedId;
    writeCursor(options.cursorFile, { destination: options.url, id: this.confirmedId });
    this.watchdog = setInterval(() => this.tick(), Math.max(20, Math.min(1000, this.stallTimeoutMs / 4)));
    this.watchdog.unref();
    this.connect();
  }

  /** The id of the last row known to be delivered. */
  get deliveredId(): number {
    return this.confirmedId;
  }

  /** A row was appended: send it soon (never on the caller's stack: audit writes are on the command path). */
  notify(): void {
    if (this.pumpScheduled || !this.connected) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.watchdog);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    const socket = this.socket;
    if (socket && this.connected) {
      this.pump();
      // Our FIN goes after every message; the repository closing its side in return means it
      // read them all, so they count as delivered.
      const cleanly = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 2000);
        socket.once('close', (hadError) => {
          clearTimeout(timer);
          resolve(!hadError);
        });
        socket.end();
      });
      if (cleanly) this.confirmedId = Math.max(this.confirmedId, this.sentId);
    }
    socket?.destroy();
    this.persist();
    this.db.close();
  }

  private connect(): void {
    if (this.closing) return;
    const { host, port } = this.target;
    const socket = connect({ host, port, ca: this.options.ca, cert: this.options.cert, key: this.options.key, servername: isIP(host) ? undefined : host });
    this.socket = socket;
    this.lossReason = null;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, this.keepAliveMs);
    // A repository that accepts TCP but never finishes the handshake would hold us forever.
    this.handshakeTimer = setTimeout(() => this.drop(socket, 'handshake-timeout'), this.handshakeTimeoutMs);
    this.handshakeTimer.unref();
    socket.once('secureConnect', () => {
      if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
      this.handshakeTimer = null;
      this.connected = true;
      this.reconnectMs = this.reconnectMinMs;
      // Everything not confirmed is sent again, in order.
      this.sentId = this.confirmedId;
      this.inFlight = [];
      this.writtenBytes = 0;
      this.flushedBytes = 0;
      this.progressAt = Date.now();
      this.log(
        `audit repository ${this.options.url}: connected, sending after row ${this.confirmedId}` +
          ` (a row counts as delivered once ${formatMiB(this.unreadBytesBound)} more were sent after it)`,
      );
      this.pump();
    });
    socket.on('drain', () => {
      this.waitingForDrain = false;
      this.pump();
    });
    // The repository never talks back on RFC 5425; reading keeps a closing peer detectable.
    socket.on('data', () => {});
    socket.on('error', (err) => (this.lossReason ??= (err as { code?: string }).code ?? err.message));
    socket.once('close', (hadError) => {
      if (this.socket !== socket) return;
      if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
      this.handshakeTimer = null;
      const wasConnected = this.connected;
      this.socket = null;
      this.connected = false;
      this.waitingForDrain = false;
      this.inFlight = [];
      if (this.closing) return;
      this.persist();
      const reason = this.lossReason ?? (hadError ? 'error' : 'closed-by-repository');
      this.log(
        `audit repository ${this.options.url}: ${wasConnected ? 'link lost' : 'cannot connect'} (${reason}); queuing on disk after row ${this.confirmedId}`,
      );
      this.reconnectTimer = setTimeout(() => this.connect(), this.reconnectMs);
      this.reconnectTimer.unref();
      this.reconnectMs = Math.min(RECONNECT_MAX_MS, this.reconnectMs * 2);
    });
  }

  private drop(socket: TLSSocket, reason: string): void {
    if (this.socket !== socket) return;
    this.lossReason ??= reason;
    socket.destroy();
  }

  /** Write the rows after sentId until the socket pushes back or none are left. */
  private pump(): void {
    const socket = this.socket;
    while (socket && this.connected && !this.waitingForDrain) {
      let n = 0;
      for (const row of iterateRows(this.db, undefined, this.sentId, BATCH_ROWS)) {
        n++;
        this.sentId = row.id;
        const bytes = octetCounted(syslogMessage(row, this.options.origin));
        this.writtenBytes += bytes.length;
        const entry = { id: row.id, end: this.writtenBytes };
        this.inFlight.push(entry);
        // Nothing queued in front of this write: the stall clock starts now.
        if (socket.writableLength === 0) this.progressAt = Date.now();
        const more = socket.write(bytes, (err) => {
          if (!err && this.socket === socket) this.flushed(entry.end);
        });
        if (!more) this.waitingForDrain = true;
      }
      if (n < BATCH_ROWS) return;
    }
  }

  /**
   * The kernel accepted the bytes up to `end` (a write's callback runs once its bytes left
   * Node's buffer). RFC 5425 has no acknowledgements: a row counts as delivered only once
   * more bytes than the send and receive buffers together hold were accepted after it.
   */
  private flushed(end: number): void {
    this.flushedBytes = Math.max(this.flushedBytes, end);
    this.progressAt = Date.now();
    let id = -1;
    while (this.inFlight.length > 0 && this.flushedBytes - this.inFlight[0]!.end >= this.unreadBytesBound) id = this.inFlight.shift()!.id;
    if (id > this.confirmedId) this.confirmedId = id;
  }

  private tick(): void {
    this.persist();
    const socket = this.socket;
    // Bytes wait in Node's buffer and the kernel took none for stallTimeoutMs: the repository
    // stopped reading. Reconnect; the unconfirmed rows go again.
    if (socket && this.connected && socket.writableLength > 0 && Date.now() - this.progressAt >= this.stallTimeoutMs) this.drop(socket, 'write-stalled');
  }

  private persist(): void {
    if (this.confirmedId === this.persistedId) return;
    this.persistedId = this.confirmedId;
    writeCursor(this.options.cursorFile, { destination: this.options.url, id: this.confirmedId });
  }
}
