import type { Gateway } from '../server/gateway.js';
import { isConnectionLevelRefusal, startStorageScp, type StorageScpOptions } from '../dicom-scp/index.js';
import { patientAdmission, type PatientMismatchPolicy } from '../dicom-scp/patient-admission.js';
import type { ImageLimits } from '../../native-bridge/image-limits.js';
import { ImagePipeline } from './image-pipeline.js';
import { streamSimulatorImages } from './simulator-images.js';
import { IngestQueue } from './ingest-queue.js';
import { IngestLog } from './ingest-log.js';
import type { StoredImage } from '../dicom-scp/index.js';
import { createTranscodePool } from './transcode-pool.js';
import { DEFAULT_LINK_LIMITS } from '../server/link-limits.js';
import { FoldedRepeats, type FoldedRow } from '../audit/folded-repeats.js';

/**
 * What a DICOM peer is warned or refused, written down: the first of a kind (peer address and
 * code) at once, as an audit row and a notice to every workstation; the ones that follow within
 * the window as one row and one notice with their count (audit/folded-repeats.ts). A scanner
 * pushing a series of another patient then costs an fsync and a notice per window, not one per
 * image (and a line in the log). The key is the peer's network address, not its calling AE
 * title: a peer chooses its title, and a new one per association would make every refusal a
 * kind of its own. The title goes in the row's message.
 */
function dicomPeerAudit(
  gateway: Gateway,
  windowMs: number,
  log: (line: string) => void,
  decision: 'warned' | 'rejected',
  notice: (row: FoldedRow) => string,
): FoldedRepeats {
  return new FoldedRepeats(windowMs, (row) => {
    gateway.store.audit({
      sessionId: null,
      actor: row.key || null,
      role: 'dicom-peer',
      action: 'c-store',
      decision,
      code: row.code,
      detail: { count: row.count, firstAt: row.firstAt, lastAt: row.lastAt, message: row.reason },
    });
    gateway.notice('warning', notice(row));
    log(`C-STORE from ${row.key}: ${decision} ${row.code}${row.count > 1 ? ` x${row.count}` : ''}: ${row.reason}`);
  });
}

export interface DicomReceiverOptions {
  port: number;
  host?: string;
  aeTitle?: string;
  /** Images of another patient than the open exam's: a notice (default) or a refusal. */
  patientMismatch?: PatientMismatchPolicy;
  allowList?: StorageScpOptions['allowList'];
  tls?: StorageScpOptions['tls'];
  maxAssociations?: number;
  maxConnectionsPerAddress?: number;
  limits?: StorageScpOptions['limits'];
}

export interface Imaging {
  pipeline: ImagePipeline;
  /** Port of the C-STORE receiver, when one was asked for. */
  dicomPort: number | null;
  close(): Promise<void>;
}

/**
 * Images into the gateway: the simulator's slices and, when asked for, a DICOM Storage SCP for
 * a real scanner (or DCMTK storescu), both through one pipeline to every workstation.
 */
export async function attachImaging(
  gateway: Gateway,
  dicom: DicomReceiverOptions | undefined,
  log: (line: string) => void,
  limits?: ImageLimits,
  /** Warnings and refusals of one kind from one peer within this window are one audit row (audit/folded-repeats.ts). */
  auditWindowMs = DEFAULT_LINK_LIMITS.refusalAuditWindowMs,
): Promise<Imaging> {
  // Received objects are compressed, and simulated slices rendered, off the event loop.
  const transcoders = dicom ? createTranscodePool(limits) : undefined;
  const pipeline = new ImagePipeline(gateway, undefined, { ...(limits ? { limits } : {}), ...(transcoders ? { transcoders } : {}) });
  const ingestLog = new IngestLog(log);
  const stopSimulator = streamSimulatorImages(gateway.scanner, pipeline, gateway.site, limits);
  const warned = dicomPeerAudit(gateway, auditWindowMs, log, 'warned', (row) =>
    row.count === 1
      ? `DICOM image of another patient shown anyway: ${row.code}: ${row.reason}`
      : `${row.count} more DICOM images of another patient from ${row.key} shown anyway, the last: ${row.code}: ${row.reason}`,
  );
  const refused = dicomPeerAudit(gateway, auditWindowMs, log, 'rejected', (row) =>
    row.count === 1
      ? `DICOM object from ${row.key} refused: ${row.code}: ${row.reason}`
      : `${row.count} more DICOM objects from ${row.key} refused, the last: ${row.code}: ${row.reason}`,
  );
  // Refusals of connections (a port scan, a flood) go to the log, one line per kind and window with a count.
  const portLog = new FoldedRepeats(auditWindowMs, (row) =>
    log(`DICOM port: ${row.code}${row.count > 1 ? ` x${row.count} in ${auditWindowMs / 1000} s, the last:` : ''} ${row.reason}`),
  );
  const ingest = new IngestQueue<StoredImage>(async (image) => {
    // The receiver refuses before answering what the pipeline would (startStorageScp's checks);
    // what the pipeline still refuses after Success (a transcode worker that failed, say) is
    // written down and told folded with the peer's other refusals, not a notice an image.
    const report = ({ code, message }: { code: string; message: string }) =>
      refused.report(image.peerAddress ?? image.callingAeTitle, code, `${message} (calling AE ${image.callingAeTitle}, SOP Instance ${image.sopInstanceUid})`);
    const result = await pipeline.acceptReceived(image.part10, 'c-store', (spare) => image.recycle(spare), report);
    if (result.ok) ingestLog.forwarded(image.callingAeTitle, `${image.sopInstanceUid} forwarded (${result.transferSyntaxUid})`);
  });
  const scp = dicom
    ? await startStorageScp({
        port: dicom.port,
        host: dicom.host ?? '127.0.0.1',
        aeTitle: dicom.aeTitle ?? 'LARMOR',
        ...(dicom.allowList ? { allowList: dicom.allowList } : {}),
        ...(dicom.tls ? { tls: dicom.tls } : {}),
        ...(dicom.maxAssociations !== undefined ? { maxAssociations: dicom.maxAssociations } : {}),
        ...(dicom.maxConnectionsPerAddress !== undefined ? { maxConnectionsPerAddress: dicom.maxConnectionsPerAddress } : {}),
        ...(dicom.limits ? { limits: dicom.limits } : {}),
        // The pipeline's own limits, checked before the C-STORE is answered: a peer is refused
        // what the pipeline would drop, instead of being told Success.
        ...(limits ? { imageLimits: limits } : {}),
        admit: patientAdmission(
          () => gateway.scanner.core().exam?.patient ?? null,
          dicom.patientMismatch ?? 'warn',
          (mismatch) => {
            const { image } = mismatch;
            warned.report(
              image.peerAddress ?? image.callingAeTitle,
              mismatch.code,
              `${mismatch.message} (calling AE ${image.callingAeTitle}, SOP Instance ${image.sopInstanceUid})`,
            );
          },
        ),
        // Answered once checked and admitted; the pipeline takes it from the queue (ingest-queue.ts).
        onImage: (image) => ingest.add(image),
        onReject: (error) => {
          if (isConnectionLevelRefusal(error.code)) {
            portLog.report('', error.code, error.message);
            return;
          }
          const about = [`calling AE ${error.callingAeTitle || '(none)'}`, ...(error.sopInstanceUid ? [`SOP Instance ${error.sopInstanceUid}`] : [])].join(
            ', ',
          );
          refused.report(error.peerAddress ?? error.callingAeTitle, error.code, `${error.message} (${about})`);
        },
      })
    : null;
  if (scp) log(`DICOM C-STORE receiver listening on port ${scp.port} (AE title ${dicom?.aeTitle ?? 'LARMOR'})`);
  return {
    pipeline,
    dicomPort: scp?.port ?? null,
    close: async () => {
      await scp?.close();
      await stopSimulator();
      await ingest.drain();
      await transcoders?.close();
      ingestLog.flush();
      warned.flush();
      refused.flush();
      portLog.flush();
    },
  };
}
