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
}

export interface AuditShipperOptions extends AuditSyslogOptions {
  databaseFile: string;
  cursorFile: string;
  origin: SyslogOrigin;
  log?: (line: string) => void;
  /**
   * TLS syslog has no acknowledgements (RFC 5425), so a message counts as received once the
   * link has stayed up this long after it was written; messages younger than that when the
   * link drops are sent again. Resends carry the same row id, so the repository can drop them.
   */
  confirmAfterMs?: number;
}

const BATCH_ROWS = 200;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

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
 * loses nothing: after reconnecting, sending resumes after the last delivered row.
 */
export class AuditShipper {
  private readonly db: Database.Database;
  private readonly target: { host: string; port: number };
  private readonly confirmAfterMs: number;
  private readonly log: (line: string) => void;
  private socket: TLSSocket | null = null;
  private connected = false;
  private closing = false;
  /** Last row the repository is taken to have (persisted in the cursor file). */
  private confirmedId: number;
  /** Last row written on the current connection. */
  private sentId: number;
  private inFlight: { id: number; at: number }[] = [];
  private pumpScheduled = false;
  private waitingForDrain = false;
  private reconnectMs = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly confirmTimer: NodeJS.Timeout;

  constructor(private readonly options: AuditShipperOptions) {
    this.target = parseSyslogUrl(options.url);
    this.confirmAfterMs = options.confirmAfterMs ?? 2000;
    this.log = options.log ?? (() => {});
    this.db = new Database(options.databaseFile, { readonly: true, fileMustExist: true });
    const cursor = readCursor(options.cursorFile);
    // A repository new to this gateway gets the rows from now on; `larmor audit export
    // --format dicom` hands it the history.
    this.confirmedId = cursor?.destination === options.url ? cursor.id : ((this.db.prepare('SELECT max(id) FROM audit').pluck().get() as number | null) ?? 0);
    this.sentId = this.confirmedId;
    writeCursor(options.cursorFile, { destination: options.url, id: this.confirmedId });
    this.confirmTimer = setInterval(() => this.confirm(), Math.max(50, this.confirmAfterMs / 4));
    this.confirmTimer.unref();
    this.connect();
  }

  /** The id of the last row taken as delivered. */
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
    this.closing = true;
    clearInterval(this.confirmTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
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
      if (cleanly) this.advance(this.sentId);
    }
    socket?.destroy();
    this.db.close();
  }

  private connect(): void {
    if (this.closing) return;
    const { host, port } = this.target;
    const socket = connect({ host, port, ca: this.options.ca, cert: this.options.cert, key: this.options.key, servername: isIP(host) ? undefined : host });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.once('secureConnect', () => {
      this.connected = true;
      this.reconnectMs = RECONNECT_MIN_MS;
      // Everything not confirmed is sent again, in order.
      this.sentId = this.confirmedId;
      this.inFlight = [];
      this.log(`audit repository ${this.options.url}: connected, sending after row ${this.confirmedId}`);
      this.pump();
    });
    socket.on('drain', () => {
      this.waitingForDrain = false;
      this.pump();
    });
    // The repository never talks back on RFC 5425; reading keeps a closing peer detectable.
    socket.on('data', () => {});
    socket.on('error', (err) => this.log(`audit repository ${this.options.url}: ${(err as { code?: string }).code ?? err.message}`));
    socket.once('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.connected = false;
      this.waitingForDrain = false;
      this.inFlight = [];
      if (this.closing) return;
      this.log(`audit repository ${this.options.url}: link lost; queuing on disk after row ${this.confirmedId}`);
      this.reconnectTimer = setTimeout(() => this.connect(), this.reconnectMs);
      this.reconnectTimer.unref();
      this.reconnectMs = Math.min(RECONNECT_MAX_MS, this.reconnectMs * 2);
    });
  }

  /** Write the rows after sentId until the socket pushes back or none are left. */
  private pump(): void {
    const socket = this.socket;
    while (socket && this.connected && !this.waitingForDrain) {
      let n = 0;
      for (const row of iterateRows(this.db, undefined, this.sentId, BATCH_ROWS)) {
        n++;
        this.sentId = row.id;
        this.inFlight.push({ id: row.id, at: Date.now() });
        if (!socket.write(octetCounted(syslogMessage(row, this.options.origin)))) this.waitingForDrain = true;
      }
      if (n < BATCH_ROWS) return;
    }
  }

  private confirm(): void {
    if (!this.connected) return;
    const before = Date.now() - this.confirmAfterMs;
    let id = -1;
    while (this.inFlight.length > 0 && this.inFlight[0]!.at <= before) id = this.inFlight.shift()!.id;
    if (id >= 0) this.advance(id);
  }

  private advance(id: number): void {
    if (id <= this.confirmedId) return;
    this.confirmedId = id;
    writeCursor(this.options.cursorFile, { destination: this.options.url, id });
  }
}
