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
 * - Bad objects (truncated, malformed, UID mismatch, too large, non-image) go to onReject with a
 *   stable code from protocol/errors.ts (the receiver's or the Part 10 reader's LARMOR_E_DICOM_...) and
 *   the peer gets a C-STORE failure status; the association and the SCP carry on.
 * - onImage may return a promise; the peer's C-STORE response waits for it, and a throw or
 *   rejection answers A701H (refused: out of resources) and reports LARMOR_E_DICOM_HANDLER_FAILED.
 * - Writes nothing to disk unless `storeDirectory` is given; names come from safeFileName()
 *   (a valid UID kept as is, anything else hashed), files are written to a temporary name and
 *   renamed, so a reader never sees half a file.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { createScpConnection, type RejectedObject } from './storage-scp.js';
import type { ReceivedImage } from './received-object.js';
import { safeFileName } from './safe-file-name.js';

export { examineReceivedObject, StoreStatus, cleanAeTitle, type ReceivedImage, type ReceivedObject, type Verdict } from './received-object.js';
export { safeFileName } from './safe-file-name.js';
export { wrapAsPart10 } from './file-meta.js';
export type { RejectedObject } from './storage-scp.js';

export interface StoredImage extends ReceivedImage {
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
}

export interface StorageScp {
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_OBJECT_BYTES = 256 * 1024 * 1024;

export async function startStorageScp(opts: StorageScpOptions): Promise<StorageScp> {
  const sockets = new Set<Socket>();
  const storeDirectory = opts.storeDirectory;
  if (storeDirectory !== undefined) await mkdir(storeDirectory, { recursive: true });

  const deliver = async (image: ReceivedImage): Promise<void> => {
    let filePath: string | null = null;
    if (storeDirectory !== undefined) {
      filePath = join(storeDirectory, safeFileName(image.sopInstanceUid));
      const partial = `${filePath}.partial`;
      await writeFile(partial, image.part10);
      await rename(partial, filePath);
    }
    await opts.onImage({ ...image, filePath });
  };
  const reject = (error: RejectedObject): void => {
    try {
      opts.onReject(error);
    } catch {
      // A failing reporter must not take the receiver down.
    }
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const scp = createScpConnection(socket, {
      aeTitle: opts.aeTitle,
      acceptAnyCalledAeTitle: opts.acceptAnyCalledAeTitle ?? false,
      maxObjectBytes: opts.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES,
      deliver,
      reject,
    });
    // As dcmjs-dimse's own Server does: the socket is already connected.
    (scp as unknown as { connected: boolean }).connected = true;
    // Protocol errors end this association only.
    scp.on('networkError', () => socket.destroy());
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
