import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dicomOptionsFromFlags } from '../../../gateway/dicom-scp/cli-options.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('larmor gateway DICOM receiver flags', () => {
  it('defaults to warning about another patient, with no allow list, TLS or limits of its own', () => {
    expect(dicomOptionsFromFlags({})).toEqual({ patientMismatch: 'warn' });
  });

  it('reads the allow list, the policy, the limits and the TLS files', () => {
    const dir = tempDir();
    for (const name of ['cert.pem', 'key.pem', 'ca.pem']) writeFileSync(join(dir, name), name);
    const options = dicomOptionsFromFlags({
      'dicom-allow': 'MRI1@10.1.2.0/24',
      'dicom-patient-mismatch': 'refuse',
      'dicom-tls-cert': join(dir, 'cert.pem'),
      'dicom-tls-key': join(dir, 'key.pem'),
      'dicom-tls-ca': join(dir, 'ca.pem'),
      'dicom-max-associations': '4',
      'dicom-max-pdu': '65536',
    });
    expect(options).toMatchObject({
      patientMismatch: 'refuse',
      maxAssociations: 4,
      limits: { maxPduLength: 65536 },
      allowList: [{ aeTitle: 'MRI1', network: '10.1.2.0/24' }],
    });
    expect((options as { tls: { ca: Buffer } }).tls.ca.toString()).toBe('ca.pem');
  });

  it.each([
    [{ 'dicom-patient-mismatch': 'ignore' }, /warn or refuse/],
    [{ 'dicom-allow': 'MRI1' }, /dicom-allow entry "MRI1"/],
    [{ 'dicom-tls-cert': 'x.pem' }, /go together/],
    [{ 'dicom-tls-ca': 'ca.pem' }, /needs --dicom-tls-cert/],
    [{ 'dicom-max-associations': '0' }, /1\.\.1000/],
    [{ 'dicom-max-pdu': '2048' }, /4096\.\.1048576/],
  ])('names the bad flag in %o', (flags, message) => {
    const result = dicomOptionsFromFlags(flags);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(message);
  });
});
