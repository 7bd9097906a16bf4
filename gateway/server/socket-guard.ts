import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { AddressCounter } from '../../base/common/address-counter.js';
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
 * with them the database and the spool. Beyond a limit the new socket is closed at once, before a
 * byte is read, and `refused` writes it down (folded, audit/refusal-audit.ts). The DICOM port
 * does the same (gateway/dicom-scp/index.ts): Node's own `maxConnections` for the whole server,
 * an AddressCounter for each address's share.
 */
export function guardSockets(server: HttpServer | HttpsServer, limits: SocketLimits, refused: (address: string, reason: string) => void): void {
  // Node closes a connection beyond maxConnections in its accept callback, before a Socket is
  // made (before a TLS handshake), and says so with 'drop'.
  server.maxConnections = limits.maxSockets;
  server.on('drop', (dropped?: { remoteAddress?: string }) =>
    refused(dropped?.remoteAddress ?? 'unknown', `more than ${limits.maxSockets} open connections to the gateway`),
  );
  const perAddress = new AddressCounter(limits.socketsPerAddress);
  // Both servers emit 'connection' for the TCP socket, https before its handshake.
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (!perAddress.admit(address)) {
      socket.destroy();
      refused(address, `more than ${limits.socketsPerAddress} open connections from ${address}`);
      return;
    }
    socket.once('close', () => perAddress.release(address));
  });
}
