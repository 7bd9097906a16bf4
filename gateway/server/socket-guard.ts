import type { IncomingMessage, Server as HttpServer } from 'node:http';
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
    requestTimeout: 3 * limits.headersTimeoutMs,
    connectionsCheckingInterval: Math.max(250, Math.floor(limits.headersTimeoutMs / 5)),
    handshakeTimeout: limits.headersTimeoutMs,
  };
}

/**
 * Bounds the connections the gateway's web server holds: Node counts none by default, so one
 * address could open sockets and say nothing until the process ran out of file descriptors, and
 * with them the database and the spool. At a limit (all sockets, or one address's share), a new
 * socket takes the place of the oldest that has not yet sent a whole request or WebSocket
 * upgrade (base/common/connection-roster.ts): a slowloris pushes out its own sockets, not a
 * workstation behind the same address. When every socket has, the new one is closed at once,
 * before a byte is read. `refused` writes either down (folded, audit/refusal-audit.ts). The DICOM
 * port does the same (gateway/dicom-scp/index.ts).
 */
export function guardSockets(server: HttpServer | HttpsServer, limits: SocketLimits, refused: (address: string, reason: string) => void): void {
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
          ? `more than ${limits.socketsPerAddress} open connections from ${address}, each with a request`
          : `more than ${limits.maxSockets} open connections to the gateway, each with a request`,
      );
      return;
    }
    if (admission.evicted)
      refused(
        admission.evicted.address,
        `closed a connection from ${admission.evicted.address} that had sent no whole request, to make room for one from ${address} ` +
          `(at most ${limits.maxSockets} open connections, ${limits.socketsPerAddress} from one address)`,
      );
    const key = keyOf(socket);
    entries.set(key, admission.entry);
    socket.once('close', () => {
      entries.delete(key);
      roster.closed(admission.entry);
    });
  });
  const established = (request: IncomingMessage) => {
    const entry = entries.get(keyOf(request.socket));
    if (entry) roster.established(entry);
  };
  server.on('request', established);
  server.on('upgrade', established);
}
