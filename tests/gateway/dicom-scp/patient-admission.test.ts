/** Images pushed to a running gateway are checked against the open exam's patient, by policy. */
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { OPEN_EXAM, PATIENT, useGatewayFixture, type RawClient } from '../../helpers/gateway.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { onsiteGrants } from '../../helpers/onsite.js';
import { samplePath, storescu } from './support.js';

const run = promisify(execFile);
const f = useGatewayFixture();

/** MR_small.dcm with the exam's patient written in by DCMTK's dcmodify. */
async function imageOfExamPatient(): Promise<string> {
  const file = join(tempDir(), 'exam-patient.dcm');
  copyFileSync(samplePath('MR_small.dcm'), file);
  await run('dcmodify', ['-nb', '-m', `(0010,0010)=${PATIENT.name}`, '-m', `(0010,0020)=${PATIENT.id}`, file]);
  return file;
}

async function gatewayWithExam(policy: 'warn' | 'refuse'): Promise<{ gateway: Gateway; operator: RawClient }> {
  const gateway = await f.start({ dicom: { port: 0, patientMismatch: policy } });
  const operator = await f.client('operator', 'Remote Tech');
  f.closes(await onsiteGrants(gateway, 'Remote Tech')); // the onsite technologist hands over control
  expect((await operator.command('open-exam-1', OPEN_EXAM)).outcome).toBe('done');
  return { gateway, operator };
}

const notices = (c: RawClient) => c.messages.flatMap((m) => (m.type === 'event' && m.body.kind === 'notice' ? [m.body.text] : []));

describe('DICOM images against the open exam’s patient', () => {
  it('refuses another patient’s image under the refuse policy, and takes the exam patient’s', async () => {
    const { gateway: gw, operator } = await gatewayWithExam('refuse');
    const other = await storescu(gw.imaging!.dicomPort!, [samplePath('MR_small.dcm')]); // Patient ID 4MR1
    expect(other.responses).toEqual(['Unknown Status: 0x124']);
    await expect.poll(() => notices(operator).some((t) => t.includes('LARMOR_E_DICOM_PATIENT_MISMATCH') && t.includes('4MR1'))).toBe(true);

    expect(gw.store.auditTrail().some((r) => r.action === 'c-store' && r.decision === 'rejected' && r.code === 'LARMOR_E_DICOM_PATIENT_MISMATCH')).toBe(true);
    const own = await storescu(gw.imaging!.dicomPort!, [await imageOfExamPatient()]);
    expect(own.responses).toEqual(['Success']);
  });

  it('passes another patient’s image on under the warn policy, with a notice naming both patients', async () => {
    const { gateway: gw, operator } = await gatewayWithExam('warn');
    const other = await storescu(gw.imaging!.dicomPort!, [samplePath('MR_small.dcm')]);
    expect(other.responses).toEqual(['Success']);
    await expect
      .poll(() => notices(operator).some((t) => t.includes('LARMOR_E_DICOM_PATIENT_MISMATCH') && t.includes('4MR1') && t.includes(PATIENT.id)))
      .toBe(true);
    expect(gw.store.auditTrail().some((r) => r.action === 'c-store' && r.decision === 'warned' && r.code === 'LARMOR_E_DICOM_PATIENT_MISMATCH')).toBe(true);
  });
});

describe('a series of another patient', () => {
  it('is written down at once for its first image, the rest counted for one row and one notice when the window ends, not one per image', async () => {
    // A window longer than the test: what the window's end writes is FoldedRepeats's (tests/gateway/server/link-limits.test.ts).
    const gateway = await f.start({ dicom: { port: 0, patientMismatch: 'warn' }, linkLimits: { refusalAuditWindowMs: 600_000 } });
    const operator = await f.client('operator', 'Remote Tech');
    f.closes(await onsiteGrants(gateway, 'Remote Tech'));
    expect((await operator.command('open-exam-1', OPEN_EXAM)).outcome).toBe('done');
    const series = Array.from({ length: 6 }, () => samplePath('MR_small.dcm')); // Patient ID 4MR1, not the exam's
    expect((await storescu(gateway.imaging!.dicomPort!, series)).responses).toEqual(series.map(() => 'Success'));
    const warned = () => gateway.store.auditTrail().filter((r) => r.decision === 'warned' && r.code === 'LARMOR_E_DICOM_PATIENT_MISMATCH');
    await expect.poll(() => notices(operator).filter((t) => t.includes('LARMOR_E_DICOM_PATIENT_MISMATCH'))).toHaveLength(1);
    expect(warned().map((r) => (r.detail as { count: number }).count)).toEqual([1]);
  });
});
