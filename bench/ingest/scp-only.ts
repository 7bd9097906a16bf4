/**
 * The gateway's DICOM receiver alone (PDU guard, P-DATA reassembly, Part 10 check), images
 * dropped once accepted, their buffers recycled as the gateway's image pipeline recycles them:
 * the row of bench/ingest/run.ts that separates the receiver from the pipeline behind it.
 *   npx tsx bench/ingest/scp-only.ts PORT
 */
import { startStorageScp } from '../../gateway/dicom-scp/index.js';

const scp = await startStorageScp({ port: Number(process.argv[2]), aeTitle: 'LARMOR', onImage: (image) => image.recycle(), onReject: () => undefined });
process.once('SIGTERM', () => void scp.close().then(() => process.exit(0)));
