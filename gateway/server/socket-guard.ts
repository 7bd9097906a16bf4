import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { ConnectionRoster, type RosterEntry } from '../../base/common/connection-roster.js';
import type { LinkLimits } from './link-limits.js';

type SocketLimits = Pick<LinkLimits, 'socketsPerAddress' | 'maxSockets' | 'headersTimeoutMs'>;

/**
 * The web server's own time limits, for `http.createServer` and `https.createServer`: Node
 * closes a request whose headers are late only after 60 s by default, and then only at its next
 * check of its connections, every 30 s; a TLS handshake may take 120 s.
 */
export function serverTimeouts(limits: SocketLimits): {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
  handshakeTimeout: number;
} {
  return {
    headersTimeout: limits.headersTimeoutMs,
    // A whole request, body included; the gateway takes only small JSON bodies (http-json.ts).
    requestTimeout: wholeExchangeMs(limits),
    connectionsCheckingInterval: Math.max(250, Math.floor(limits.headersTimeoutMs / 5)),
    handshakeTimeout: limits.headersTimeoutMs,
  };
}

/**
 * Bounds the connections the gateway's web server holds: Node counts none by default, so one
 * address could open sockets and say nothing until the process ran out of file descriptors, and
 * with them the database and the spool. At a limit (all sockets, or one address's share), a new
 * socket takes the place of the one idle longest: no WebSocket, no whole request being answered
 * (base/common/connection-roster.ts). A slowloris (headers or a body that never end), or a peer
 * that keeps sockets alive between requests, pushes out its own sockets, not a workstation behind
 * the same address. When no socket is idle, the new one is closed at once, before a byte is
 * read. `refused` writes either down (folded, audit/folded-repeats.ts). The DICOM port does the
 * same (gateway/dicom-scp/index.ts).
 */
export function guardSockets(server: HttpServer | HttpsServer, limits: SocketLimits, refused: (address: string, reason: string) => void): void {
  // A socket on which nothing moves for this long is closed. Above all an answer its peer does
  // not read: it is owed, so it is never pushed out below, and Node sets no time for it by
  // default. A kept-alive socket goes sooner (Node's 5 s), a WebSocket's is unset by ws.
  server.setTimeout(wholeExchangeMs(limits));
  const roster = new ConnectionRoster(limits.maxSockets, limits.socketsPerAddress);
  // Node closes a connection beyond maxConnections in its accept callback, before a Socket is
  // made (before a TLS handshake), and says so with 'drop'. The roster evicts synchronously, so
  // Node's count allows just the one that takes an evicted socket's place.
  server.maxConnections = limits.maxSockets + 1;
  server.on('drop', (dropped?: { remoteAddress?: string }) =>
    refused(dropped?.remoteAddress ?? 'unknown', `more than ${limits.maxSockets} open connections to the gateway`),
  );
  // By remote address and port: a request's socket is the TLS socket over the TCP one counted here.
  const entries = new Map<string, RosterEntry>();
  const keyOf = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;
  // Both servers emit 'connection' for the TCP socket, https before its handshake.
  server.on('connection', (socket: Socket) => {
    // Reset before it was taken: nothing to count, and no address and port to know it by.
    if (socket.remotePort === undefined) return void socket.destroy();
    const address = socket.remoteAddress ?? 'unknown';
    const admission = roster.admit(address, () => socket.destroy());
    if ('full' in admission) {
      socket.destroy();
      refused(
        address,
        admission.full === 'address'
          ? `more than ${limits.socketsPerAddress} open connections from ${address}, each with a request being answered or a WebSocket`
          : `more than ${limits.maxSockets} open connections to the gateway, each with a request being answered or a WebSocket`,
      );
      return;
    }
    if (admission.evicted)
      refused(
        admission.evicted.address,
        `closed a connection from ${admission.evicted.address} that had no request being answered, to make room for one from ${address} ` +
          `(at most ${limits.maxSockets} open connections, ${limits.socketsPerAddress} from one address)`,
      );
    const key = keyOf(socket);
    entries.set(key, admission.entry);
    socket.once('close', () => {
      entries.delete(key);
      roster.closed(admission.entry);
    });
  });
  // Protected from being closed to make room: a socket carrying a WebSocket, for good, and one
  // the gateway owes an answer, from the end of a whole request (body included) to the end of its
  // answer. A request whose body is still coming is a slowloris like headers that never end; a
  // kept-alive socket between requests is idle, and its client opens another when it needs one.
  // Before the app's own handler, so that the body's end is heard even when the handler reads it.
  const owed = new Map<RosterEntry, number>();
  const upgraded = new WeakSet<RosterEntry>();
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const entry = entries.get(keyOf(request.socket));
    if (!entry) return;
    let owing = false;
    const owe = () => {
      if (owing || response.writableFinished || response.destroyed) return;
      owing = true;
      owed.set(entry, (owed.get(entry) ?? 0) + 1);
      roster.established(entry);
    };
    const answered = () => {
      if (!owing) return;
      owing = false;
      // Pipelined requests: the socket is idle once the last of them is answered.
      const left = owed.get(entry)! - 1;
      if (left > 0) return void owed.set(entry, left);
      owed.delete(entry);
      if (!upgraded.has(entry)) roster.idle(entry);
    };
    if (hasNoBody(request)) owe();
    else request.once('end', owe);
    response.once('finish', answered);
    response.once('close', answered);
  });
  server.on('upgrade', (request: IncomingMessage) => {
    const entry = entries.get(keyOf(request.socket));
    if (!entry) return;
    upgraded.add(entry);
    roster.established(entry);
  });
}

/** How long a request may take to arrive whole, and an answer may stand still. */
function wholeExchangeMs(limits: SocketLimits): number {
  return 3 * limits.headersTimeoutMs;
}

/** A request that announces no body (RFC 9112 section 6.3): whole once its headers are in. */
function hasNoBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] === undefined && (length === undefined || Number(length) === 0);
}
