import dcmjsDimse from 'dcmjs-dimse';

const { Client, Dataset, requests, log } = dcmjsDimse;
log.setLevel('silent');

/**
 * A C-STORE SCU that sends a data set's bytes exactly as given, even when they are broken
 * (DCMTK's storescu refuses to read a truncated file, so it cannot play the faulty scanner).
 * dcmjs-dimse takes the bytes from Dataset.getDenaturalizedDataset(); we hand it ours.
 */
export function sendRawDataset(opts: {
  port: number;
  calledAeTitle: string;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  bytes: Uint8Array;
}): Promise<{ status: number | undefined; errorComment: string | undefined }> {
  class RawDataset extends Dataset {
    override getDenaturalizedDataset(): Buffer {
      return Buffer.from(opts.bytes);
    }
  }
  const dataset = new RawDataset({ SOPClassUID: opts.sopClassUid, SOPInstanceUID: opts.sopInstanceUid }, opts.transferSyntaxUid);
  const request = new requests.CStoreRequest(dataset);
  // Propose only the data set's own transfer syntax, so nothing transcodes it.
  request.setAdditionalTransferSyntaxes?.([]);
  return new Promise((resolve, reject) => {
    let status: number | undefined;
    let errorComment: string | undefined;
    request.on('response', (response) => {
      status = response.getStatus();
      errorComment = response.getErrorComment?.();
    });
    const client = new Client();
    client.addRequest(request);
    client.on('networkError', reject);
    client.on('closed', () => resolve({ status, errorComment }));
    client.send('127.0.0.1', opts.port, 'RAWSCU', opts.calledAeTitle);
  });
}
