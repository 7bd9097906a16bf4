import { afterEach } from 'vitest';
import { startStorageScp, type RejectedObject, type StorageScp, type StorageScpOptions } from '../../../gateway/dicom-scp/index.js';
import { RawPeer } from './raw-pdus.js';

/**
 * A Storage SCP on port 0 for the tests of one file: what it rejected and how many images it
 * delivered (`seen`, reset at each start); it, and the raw peers opened through `peer`, are
 * closed after each test.
 */
export function scpUnderTest(): {
  seen: { rejects: RejectedObject[]; images: number };
  start(options?: Partial<StorageScpOptions>): Promise<StorageScp>;
  peer(port: number, localAddress?: string): Promise<RawPeer>;
} {
  let scp: StorageScp | undefined;
  const peers: RawPeer[] = [];
  const seen = { rejects: [] as RejectedObject[], images: 0 };
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await scp?.close();
    scp = undefined;
  });
  return {
    seen,
    async start(options = {}) {
      seen.rejects = [];
      seen.images = 0;
      scp = await startStorageScp({ port: 0, aeTitle: 'LARMOR', onImage: () => void seen.images++, onReject: (r) => void seen.rejects.push(r), ...options });
      return scp;
    },
    async peer(port, localAddress) {
      const p = await RawPeer.open(port, localAddress);
      peers.push(p);
      return p;
    },
  };
}
