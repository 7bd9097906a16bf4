/**
 * The gateway's DICOM receiver alone (PDU guard, dcmjs-dimse, Part 10 check), images dropped
 * once accepted: the row of bench/ingest/run.ts that separates the receiver from the image
 * pipeline behind it.   npx tsx bench/ingest/scp-only.ts PORT
 */
import { startStorageScp } from '../../gateway/dicom-scp/index.js';

const scp = await startStorageScp({ port: Number(process.argv[2]), aeTitle: 'LARMOR', onImage: () => undefined, onReject: () => undefined });
process.once('SIGTERM', () => void scp.close().then(() => process.exit(0)));
