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

export interface DicomReceiverOptions {
  port: number;
  host?: string;
  aeTitle?: string;
  /** Images of another patient than the open exam's: a notice (default) or a refusal. */
  patientMismatch?: PatientMismatchPolicy;
  allowList?: StorageScpOptions['allowList'];
  tls?: StorageScpOptions['tls'];
  maxAssociations?: number;
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
): Promise<Imaging> {
  // Received objects are compressed off the event loop; the simulator's slices are small and stay on it.
  const transcoders = dicom ? createTranscodePool(limits) : undefined;
  const pipeline = new ImagePipeline(gateway, undefined, { ...(limits ? { limits } : {}), ...(transcoders ? { transcoders } : {}) });
  const ingestLog = new IngestLog(log);
  const ingest = new IngestQueue<StoredImage>(async (image) => {
    const result = await pipeline.acceptReceived(image.part10, 'c-store', (spare) => image.recycle(spare));
    if (result.ok) ingestLog.forwarded(image.callingAeTitle, `${image.sopInstanceUid} forwarded (${result.transferSyntaxUid})`);
    else log(`C-STORE from ${image.callingAeTitle}: ${image.sopInstanceUid} refused ${result.code}`);
  });
  const stopSimulator = streamSimulatorImages(gateway.scanner, pipeline, gateway.site);
  const scp = dicom
    ? await startStorageScp({
        port: dicom.port,
        host: dicom.host ?? '127.0.0.1',
        aeTitle: dicom.aeTitle ?? 'LARMOR',
        ...(dicom.allowList ? { allowList: dicom.allowList } : {}),
        ...(dicom.tls ? { tls: dicom.tls } : {}),
        ...(dicom.maxAssociations !== undefined ? { maxAssociations: dicom.maxAssociations } : {}),
        ...(dicom.limits ? { limits: dicom.limits } : {}),
        admit: patientAdmission(
          () => gateway.scanner.core().exam?.patient ?? null,
          dicom.patientMismatch ?? 'warn',
          (mismatch) => {
            gateway.store.audit({
              sessionId: null,
              actor: mismatch.image.callingAeTitle || null,
              role: 'dicom-peer',
              action: 'c-store',
              decision: 'warned',
              code: mismatch.code,
              detail: { sopInstanceUid: mismatch.image.sopInstanceUid, message: mismatch.message },
            });
            gateway.notice('warning', `DICOM image of another patient shown anyway: ${mismatch.code}: ${mismatch.message}`);
            log(`C-STORE from ${mismatch.image.callingAeTitle}: ${mismatch.code} ${mismatch.message} (policy warn)`);
          },
        ),
        // Answered once checked and admitted; the pipeline takes it from the queue (ingest-queue.ts).
        onImage: (image) => ingest.add(image),
        onReject: (error) => {
          if (isConnectionLevelRefusal(error.code)) {
            log(`DICOM port: ${error.code} ${error.message}`);
            return;
          }
          gateway.store.audit({
            sessionId: null,
            actor: error.callingAeTitle || null,
            role: 'dicom-peer',
            action: 'c-store',
            decision: 'rejected',
            code: error.code,
            detail: { sopInstanceUid: error.sopInstanceUid, message: error.message },
          });
          gateway.notice('warning', `DICOM object from ${error.callingAeTitle} refused: ${error.code}: ${error.message}`);
          log(`C-STORE from ${error.callingAeTitle} refused: ${error.code} ${error.message}`);
        },
      })
    : null;
  if (scp) log(`DICOM C-STORE receiver listening on port ${scp.port} (AE title ${dicom?.aeTitle ?? 'LARMOR'})`);
  return {
    pipeline,
    dicomPort: scp?.port ?? null,
    close: async () => {
      stopSimulator();
      await scp?.close();
      await ingest.drain();
      await transcoders?.close();
      ingestLog.flush();
    },
  };
}
