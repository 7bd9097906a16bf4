import { describe, expect, it } from 'vitest';
import { TransferSyntax, datasetToElements, readPart10, writePart10 } from '../../../native-bridge/dicom/index.js';
import { ErrorCode } from '../../../protocol/index.js';
import { examineReceivedObject, StoreStatus } from '../../../gateway/dicom-scp/index.js';
import { datasetBytesOf, readSample } from './support.js';

const MR = '1.2.840.10008.5.1.4.1.1.4';
const MR_SMALL_UID = '1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457';
const EXPLICIT = '1.2.840.10008.1.2.1';
const SERIES_INSTANCE_UID = 0x0020000e;

function received(over: Partial<Omit<Parameters<typeof examineReceivedObject>[0], 'dataset'>> & { dataset?: Uint8Array } = {}) {
  return {
    dataset: datasetBytesOf(readSample('MR_small.dcm')),
    transferSyntaxUid: EXPLICIT,
    sopClassUid: MR,
    sopInstanceUid: MR_SMALL_UID,
    callingAeTitle: 'SCANNER',
    ...over,
  };
}

describe('examining a received object', () => {
  it('wraps an image as Part 10 with the data set bytes untouched', () => {
    const obj = received();
    const verdict = examineReceivedObject(obj);
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    const part10 = verdict.image.part10;
    expect(Buffer.from(part10.subarray(part10.length - obj.dataset.length)).equals(Buffer.from(obj.dataset))).toBe(true);
    const file = readPart10(part10);
    expect(file.transferSyntaxUid).toBe(EXPLICIT);
    expect(file.meta.string(0x00020016)).toBe('SCANNER');
    expect(file.meta.string(0x00020003)).toBe(MR_SMALL_UID);
  });

  it('keeps an Implicit VR Little Endian data set implicit', () => {
    const verdict = examineReceivedObject(received({ dataset: datasetBytesOf(readSample('MR_small_implicit.dcm')), transferSyntaxUid: '1.2.840.10008.1.2' }));
    expect(verdict.ok && readPart10(verdict.image.part10).transferSyntaxUid).toBe('1.2.840.10008.1.2');
  });

  it('refuses a truncated data set with the reader\'s stable code and "cannot understand"', () => {
    const verdict = examineReceivedObject(received({ dataset: datasetBytesOf(readSample('MR_truncated.dcm')) }));
    expect(verdict).toMatchObject({ ok: false, code: 'LARMOR_E_DICOM_TRUNCATED', status: StoreStatus.CannotUnderstand });
  });

  it('refuses an image without a valid Series Instance UID, under which the workstations file it, as not matching its SOP class', () => {
    const withSeries = (value: string | null) => {
      const file = readPart10(readSample('MR_small.dcm'));
      const elements = datasetToElements(file.dataset).filter((e) => e.tag !== SERIES_INSTANCE_UID);
      if (value !== null) elements.push({ tag: SERIES_INSTANCE_UID, vr: 'UI', value });
      return datasetBytesOf(writePart10({ transferSyntaxUid: EXPLICIT, elements }));
    };
    expect(examineReceivedObject(received({ dataset: withSeries(null) }))).toMatchObject({
      ok: false,
      code: ErrorCode.DICOM_MISSING_ATTRIBUTE,
      status: StoreStatus.DataSetDoesNotMatchSopClass,
    });
    expect(examineReceivedObject(received({ dataset: withSeries('not.a.uid') }))).toMatchObject({ ok: false, code: ErrorCode.DICOM_INVALID_UID });
    expect(examineReceivedObject(received({ dataset: withSeries('1.2.3.4') })).ok).toBe(true);
  });

  it('refuses Pixel Data not encapsulated in a compressed transfer syntax', () => {
    expect(examineReceivedObject(received({ transferSyntaxUid: TransferSyntax.RLELossless }))).toMatchObject({
      ok: false,
      code: ErrorCode.DICOM_PIXEL_DATA,
      status: StoreStatus.CannotUnderstand,
    });
  });

  it('refuses a data set whose SOP Instance UID differs from the command', () => {
    const verdict = examineReceivedObject(received({ sopInstanceUid: '1.2.3.4' }));
    expect(verdict).toMatchObject({ ok: false, code: 'LARMOR_E_DICOM_UID_MISMATCH', status: StoreStatus.DataSetDoesNotMatchSopClass });
  });

  it('refuses a command whose UID is not a UID', () => {
    const verdict = examineReceivedObject(received({ sopInstanceUid: '../../etc/passwd' }));
    expect(verdict).toMatchObject({ ok: false, code: 'LARMOR_E_DICOM_INVALID_UID' });
  });

  it('refuses a 1-bit segmentation as not an image', () => {
    const seg = readSample('liver.dcm');
    const file = readPart10(seg);
    const verdict = examineReceivedObject(
      received({
        dataset: datasetBytesOf(seg),
        sopClassUid: file.dataset.string(0x00080016)!,
        sopInstanceUid: file.dataset.string(0x00080018)!,
      }),
    );
    expect(verdict).toMatchObject({ ok: false, code: 'LARMOR_E_DICOM_NOT_AN_IMAGE', status: StoreStatus.SopClassNotSupported });
  });
});
