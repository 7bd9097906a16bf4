/**
 * gateway/dicom-scp: the gateway's DICOM C-STORE receiver, so a real scanner (or DCMTK's
 * storescu) can push images to the gateway.
 *
 *   const scp = await startStorageScp({
 *     port: 0,                        // 0 = ephemeral; the bound port is returned
 *     host: '127.0.0.1',              // default loopback; '0.0.0.0' to listen for a scanner
 *     aeTitle: 'LARMOR',              // called AE title the peer must use (storescu -aec LARMOR)
 *     onImage(image) { ... },         // { part10, transferSyntaxUid, sopClassUid, sopInstanceUid, callingAeTitle, filePath }
 *     onReject(error) { ... },        // { code, message, callingAeTitle, sopInstanceUid }
 *     storeDirectory?: '/var/...',    // optional: also write each accepted image there
 *     maxObjectBytes?: 256 MiB,
 *     acceptAnyCalledAeTitle?: false,
 *     limits?: { maxPduLength, hardCapBytes, artimMs, idleMs },  // see pdu-guard.ts
 *     maxAssociations?: 8,
 *     maxConnections?: 512,           // open sockets; beyond: the oldest without an association makes room
 *     maxConnectionsPerAddress?: 64,  // the same from one address
 *     allowList?: parseAllowList('MRI1@10.1.2.0/24'),            // empty: any peer
 *     imageLimits?: DEFAULT_IMAGE_LIMITS,  // decoded-size caps (native-bridge/image-limits.ts)
 *     admit?(image) { return null },  // or { code, message }: refused with 0124H
 *     tls?: { cert, key, ca? },       // DICOM TLS (PS3.15 B.1); with ca, clients need a certificate
 *   });
 *   scp.port; await scp.close();
 *
 * - Answers C-ECHO. Accepts every Storage SOP Class at negotiation and hands on images only;
 *   non-image objects (no Pixel Data, or 1-bit label maps such as SEG) are refused per object
 *   with LARMOR_E_DICOM_NOT_AN_IMAGE and status 0122H. See storage-scp.ts for why.
 * - Transfer syntaxes: Explicit VR Little Endian (preferred), RLE Lossless, Implicit VR Little
 *   Endian. `part10` is a complete Part 10 file whose data set is byte-for-byte what the peer
 *   sent, in the peer's transfer syntax (RLE stays encapsulated). Big endian is not negotiated
 *   (retired, PS3.5 A.3); peers such as storescu then convert to little endian themselves.
 * - Bad objects (truncated, malformed, UID mismatch, too large, non-image, over `imageLimits`,
 *   native Pixel Data shorter than its geometry, a SOP Class other than its presentation
 *   context's) go to onReject with a stable code from protocol/errors.ts (the receiver's or the
 *   Part 10 reader's LARMOR_E_DICOM_..., LARMOR_E_IMAGE_TOO_LARGE) and the peer gets a C-STORE
 *   failure status, before any Success; the association and the SCP carry on. Each rejection
 *   carries the peer's address (`peerAddress`) beside the calling AE title it chose.
 * - A called AE title other than `aeTitle` (LARMOR_E_DICOM_CALLED_AE_UNKNOWN) or a calling AE
 *   title off the allow list is rejected (A-ASSOCIATE-RJ) and reported to onReject. After an
 *   A-ASSOCIATE-RJ or A-RELEASE-RP nothing more is read and the connection is closed
 *   (PS3.8 9.2, Sta13); its association slot is free at once.
 * - onImage may return a promise; the peer's C-STORE response waits for it, and a throw or
 *   rejection answers A701H (refused: out of resources) and reports LARMOR_E_DICOM_HANDLER_FAILED.
 * - The port defends itself before dcmjs-dimse sees a byte (pdu-guard.ts): PDU lengths checked at
 *   the header against what we advertised and a hard cap, ARTIM and idle timers, and at most
 *   `maxAssociations` at once, counted from a complete A-ASSOCIATE-RQ, so a silent connection
 *   holds no slot (the next peer gets a transient A-ASSOCIATE-RJ). At `maxConnections` open
 *   sockets, or `maxConnectionsPerAddress` from one address, a new one takes the place of the
 *   oldest that has no association yet (base/common/connection-roster.ts), so a flood cannot
 *   keep a scanner out; when every one has an association, the new one is closed unread. Either
 *   is reported as LARMOR_E_TOO_MANY_CONNECTIONS. A TLS handshake gets ARTIM's time. Every such
 *   refusal goes to onReject with its code (protocol/errors.ts), and so does a connection
 *   dcmjs-dimse gives up on (LARMOR_E_DICOM_CONNECTION_DROPPED). A peer that leaves its
 *   responses unread is not read either, and is aborted after the idle timeout
 *   (LARMOR_E_DICOM_RESPONSES_UNREAD). Only the guard's timers end an association: one that
 *   keeps sending is never timed out.
 * - Writes nothing to disk unless `storeDirectory` is given; names come from safeFileName()
 *   (a valid UID kept as is, anything else hashed), files are written to a temporary name and
 *   renamed, so a reader never sees half a file.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { join } from 'node:path';
import { createScpConnection, type RejectedObject } from './storage-scp.js';
import type { ReceivedImage } from './received-object.js';
import { safeFileName } from './safe-file-name.js';
import { takeOver } from './direct-read-socket.js';
import { ConnectionRoster, type RosterEntry } from '../../base/common/connection-roster.js';
import { ObjectBuffers } from './object-buffers.js';
import { PduGuard, type PduLimits } from './pdu-guard.js';
import { AbortReason } from './upper-layer-pdus.js';
import type { ImageLimits } from '../../native-bridge/image-limits.js';
import { ErrorCode } from '../../protocol/errors.js';
import { isPeerAddressAllowed, type AllowRule } from './calling-ae-allow-list.js';

export { examineReceivedObject, StoreStatus } from './received-object.js';
export { safeFileName } from './safe-file-name.js';
export type { RejectedObject } from './storage-scp.js';
export { parseAllowList } from './calling-ae-allow-list.js';

export interface StoredImage extends ReceivedImage {
  /**
   * The consumer is done with `part10` (and `file`, which views it): its buffer may hold a later
   * object (object-buffers.ts). Pass the bytes when they were moved to a worker thread and came
   * back (a new view of the same memory). Optional: an image never recycled is simply collected.
   */
  recycle(bytes?: Uint8Array): void;
  /** Where the image was written, when `storeDirectory` was given. */
  filePath: string | null;
}

export interface StorageScpOptions {
  port: number;
  host?: string;
  aeTitle: string;
  onImage(image: StoredImage): void | Promise<void>;
  onReject(error: RejectedObject): void;
  storeDirectory?: string;
  maxObjectBytes?: number;
  acceptAnyCalledAeTitle?: boolean;
  limits?: Partial<PduLimits>;
  maxAssociations?: number;
  /**
   * Open connections to the port, associations and peers refused as busy alike, each held until
   * ARTIM at most (default 64 x maxAssociations). A connection beyond it takes the place of the
   * oldest that has no association yet, or is closed unread when every one has.
   */
  maxConnections?: number;
  /** The same from one network address (default maxConnections / 8): a flood from one host pushes out its own connections, not another's. */
  maxConnectionsPerAddress?: number;
  allowList?: readonly AllowRule[];
  /**
   * Caps on an image's decoded size (default DEFAULT_IMAGE_LIMITS): an image whose declared
   * geometry exceeds them is refused with A700H before its C-STORE is answered.
   */
  imageLimits?: ImageLimits;
  admit?(image: ReceivedImage): { code: string; message: string } | null;
  /** PEM certificate and key; `ca` (PEM) makes a client certificate signed by it mandatory. */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer };
}

/**
 * 256 KiB advertised for P-DATA-TF (dcmjs-dimse's own default; DCMTK offers 16 KiB to 128 KiB),
 * 1 MiB for any PDU: an A-ASSOCIATE-RQ proposing every storage class with many transfer syntaxes
 * is well under 100 KiB. ARTIM 30 s, as DCMTK's default ACSE timeout; 60 s of silence aborts.
 */
const DEFAULT_PDU_LIMITS: PduLimits = { maxPduLength: 256 * 1024, hardCapBytes: 1024 * 1024, artimMs: 30_000, idleMs: 60_000 };
const DEFAULT_MAX_ASSOCIATIONS = 8;
/**
 * Connections beside the associations: room for busy peers to be told so (a transient
 * A-ASSOCIATE-RJ, a few at a time from every modality and PACS of a site), bounded.
 */
const CONNECTIONS_PER_ASSOCIATION = 64;

const CONNECTION_LEVEL: ReadonlySet<string> = new Set([
  ErrorCode.DICOM_PDU_TOO_LARGE,
  ErrorCode.DICOM_UNKNOWN_PDU,
  ErrorCode.DICOM_UNEXPECTED_PDU,
  ErrorCode.DICOM_INVALID_PDU,
  ErrorCode.DICOM_TOO_MANY_ASSOCIATIONS,
  ErrorCode.TOO_MANY_CONNECTIONS,
  ErrorCode.DICOM_PEER_NOT_ALLOWED,
  ErrorCode.DICOM_ARTIM_EXPIRED,
  ErrorCode.DICOM_ASSOCIATION_IDLE,
  ErrorCode.DICOM_TLS_HANDSHAKE,
  ErrorCode.DICOM_CONNECTION_DROPPED,
  ErrorCode.DICOM_RESPONSES_UNREAD,
]);

/**
 * Refusals about the connection itself (malformed or oversized PDUs, timeouts, a full house, TLS),
 * as opposed to an image or a peer's identity: a port scan makes hundreds, so they belong in the
 * log, not in the technologist's notices.
 */
export function isConnectionLevelRefusal(code: string): boolean {
  return CONNECTION_LEVEL.has(code);
}

export interface StorageScp {
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_OBJECT_BYTES = 256 * 1024 * 1024;

/** How a connection in its TLS handshake is closed to make room: its handshake's failure is no news. */
class ClosedToMakeRoom extends Error {}

export async function startStorageScp(opts: StorageScpOptions): Promise<StorageScp> {
  const sockets = new Set<Socket>();
  const storeDirectory = opts.storeDirectory;
  if (storeDirectory !== undefined) await mkdir(storeDirectory, { recursive: true });

  const buffers = new ObjectBuffers();
  const deliver = async (image: ReceivedImage): Promise<void> => {
    const recycle = (bytes: Uint8Array = image.part10) => buffers.release(bytes.buffer);
    let filePath: string | null = null;
    if (storeDirectory !== undefined) {
      filePath = join(storeDirectory, safeFileName(image.sopInstanceUid));
      const partial = `${filePath}.partial`;
      await writeFile(partial, image.part10);
      await rename(partial, filePath);
    }
    await opts.onImage({ ...image, filePath, recycle });
  };
  const reject = (error: RejectedObject): void => {
    try {
      opts.onReject(error);
    } catch {
      // A failing reporter must not take the receiver down.
    }
  };

  const requested = { ...DEFAULT_PDU_LIMITS, ...opts.limits };
  const limits: PduLimits = { ...requested, maxPduLength: Math.min(requested.maxPduLength, requested.hardCapBytes) };
  const maxAssociations = opts.maxAssociations ?? DEFAULT_MAX_ASSOCIATIONS;
  /** Associations: connections whose A-ASSOCIATE-RQ took a slot (pdu-guard.ts claimSlot). */
  let associations = 0;
  const portRefusal = (remote: string | undefined) => (refusal: { code: string; message: string }) =>
    reject({ code: refusal.code, message: `${refusal.message} (peer ${remote ?? 'unknown'})`, callingAeTitle: '', sopInstanceUid: null });

  const maxConnections = opts.maxConnections ?? maxAssociations * CONNECTIONS_PER_ASSOCIATION;
  const perAddress = opts.maxConnectionsPerAddress ?? Math.ceil(maxConnections / 8);
  const roster = new ConnectionRoster(maxConnections, perAddress);
  const allowList = opts.allowList ?? [];
  const tooMany = (message: string) => reject({ code: ErrorCode.TOO_MANY_CONNECTIONS, message, callingAeTitle: '', sopInstanceUid: null });
  /**
   * Counts a new socket (base/common/connection-roster.ts), closing an older one without an
   * association to make room if need be; null, and the socket closed unread, when its address is
   * on no network of the allow list or no room can be made.
   */
  const admit = (socket: Socket, evict: () => void): RosterEntry | null => {
    const address = socket.remoteAddress ?? 'unknown';
    if (!isPeerAddressAllowed(allowList, socket.remoteAddress)) {
      socket.destroy();
      reject({ code: ErrorCode.DICOM_PEER_NOT_ALLOWED, message: `${address} is on no network of the allow list`, callingAeTitle: '', sopInstanceUid: null });
      return null;
    }
    const admission = roster.admit(address, evict);
    if ('full' in admission) {
      socket.destroy();
      tooMany(
        admission.full === 'address'
          ? `more than ${perAddress} open connections from ${address} to the DICOM port, each with an association`
          : `more than ${maxConnections} open connections to the DICOM port, each with an association (peer ${address})`,
      );
      return null;
    }
    if (admission.evicted)
      tooMany(
        `closed a connection from ${admission.evicted.address} that had not asked for an association, to make room for one from ${address} ` +
          `(at most ${maxConnections} open connections to the DICOM port, ${perAddress} from one address)`,
      );
    return admission.entry;
  };
  /** TLS connections are counted as they connect, before their handshake, by remote address and port. */
  const tlsEntries = new Map<string, RosterEntry>();
  const peerKey = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;

  const accept = (accepted: Socket) => {
    let socket: Socket = accepted;
    const entry = opts.tls
      ? (tlsEntries.get(peerKey(accepted)) ?? null)
      : admit(accepted, () => {
          socket.destroy();
          // The accepted socket, without its handle after a take-over, is what the server
          // counts: destroyed now, it stops counting at once (see server.maxConnections below).
          accepted.destroy();
        });
    if (entry === null) {
      accepted.destroy();
      return;
    }
    // Plain TCP reads into where the bytes stay (direct-read-socket.ts); TLS and any socket that
    // cannot be taken over are read as a stream.
    let guard: PduGuard | null = null;
    const taken = opts.tls ? null : takeOver(accepted, { next: () => guard!.readBuffer(), received: (bytes) => guard!.received(bytes) });
    socket = taken ?? accepted;
    // DIMSE is request/response in small PDUs: Nagle's algorithm would hold a C-STORE-RSP back
    // until the peer's delayed ACK (upstream DCMTK disables it for the same reason).
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      // The socket that is read, which may have taken the descriptor over from `accepted`.
      roster.closed(entry);
    });
    /** A slot, given back by the guard as soon as the association ends (pdu-guard.ts close), before the socket is gone. */
    const claimSlot = () => {
      if (associations >= maxAssociations) return null;
      associations++;
      roster.established(entry);
      return () => void associations--;
    };
    guard = new PduGuard(socket, limits, portRefusal(socket.remoteAddress), claimSlot);
    if (taken === null) socket.resume(); // the server pauses what it accepts (pauseOnConnect)
    const scp = createScpConnection(guard, {
      aeTitle: opts.aeTitle,
      acceptAnyCalledAeTitle: opts.acceptAnyCalledAeTitle ?? false,
      maxObjectBytes: opts.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES,
      maxPduLength: limits.maxPduLength,
      allowList,
      ...(opts.imageLimits ? { imageLimits: opts.imageLimits } : {}),
      ...(opts.admit ? { admit: opts.admit } : {}),
      buffers,
      deliver,
      reject,
    });
    // A PDU dcmjs-dimse cannot read, or an error of the transport, ends this association only,
    // with a code (an A-ABORT, invalid PDU parameter, when the socket can still take it).
    scp.on('networkError', (err: Error) =>
      guard!.abortAssociation(
        { code: ErrorCode.DICOM_CONNECTION_DROPPED, message: `dcmjs-dimse dropped the connection: ${err.message}` },
        AbortReason.InvalidPduParameterValue,
      ),
    );
  };
  const server: Server = opts.tls
    ? createTlsServer(
        {
          cert: opts.tls.cert,
          key: opts.tls.key,
          ...(opts.tls.ca ? { ca: opts.tls.ca, requestCert: true, rejectUnauthorized: true } : {}),
          minVersion: 'TLSv1.2',
          // The handshake is part of what ARTIM bounds: a peer has that long to say who it is.
          handshakeTimeout: limits.artimMs,
        },
        accept,
      )
    : createServer({ pauseOnConnect: true }, accept);
  // Every open socket holds a file descriptor, until ARTIM at most. The roster bounds them as
  // each connects, before a byte is read (before a TLS handshake), and makes room by evicting
  // synchronously: Node's own count, checked before a connection is taken, allows the one that
  // takes an evicted one's place. Beyond that, Node closes the connection ('drop' below).
  server.maxConnections = maxConnections + 1;
  if (opts.tls)
    server.on('connection', (raw: Socket) => {
      // Reset before it was taken: nothing to count, and no address and port to know it by.
      if (raw.remotePort === undefined) return void raw.destroy();
      const entry = admit(raw, () => raw.destroy(new ClosedToMakeRoom()));
      if (entry === null) return;
      const key = peerKey(raw);
      tlsEntries.set(key, entry);
      raw.once('close', () => {
        tlsEntries.delete(key);
        roster.closed(entry);
      });
    });
  server.on('drop', (dropped?: { remoteAddress?: string }) =>
    reject({
      code: ErrorCode.TOO_MANY_CONNECTIONS,
      message: `more than ${maxConnections} open connections to the DICOM port (peer ${dropped?.remoteAddress ?? 'unknown'})`,
      callingAeTitle: '',
      sopInstanceUid: null,
    }),
  );
  // A failed TLS handshake concerns that peer only.
  server.on('tlsClientError', (err: Error, socket: Socket) => {
    if (err instanceof ClosedToMakeRoom) return; // reported as it was closed
    reject({
      code: ErrorCode.DICOM_TLS_HANDSHAKE,
      message: `TLS handshake with ${socket.remoteAddress ?? 'a peer'} failed: ${err.message}`,
      callingAeTitle: '',
      sopInstanceUid: null,
    });
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
