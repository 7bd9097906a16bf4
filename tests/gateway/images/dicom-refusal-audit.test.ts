/**
 * What a running gateway writes down when its DICOM receiver refuses: an audit row and a notice
 * to the workstations, folded per peer address and code (audit/folded-repeats.ts). The calling
 * AE title is the peer's to choose, so it names the refusal but does not key the folding.
 */
import { describe, expect, it } from 'vitest';
import { parseAllowList } from '../../../gateway/dicom-scp/index.js';
import type { DicomReceiverOptions } from '../../../gateway/images/index.js';
import { ErrorCode } from '../../../protocol/index.js';
import { useGatewayFixture, type RawClient } from '../../helpers/gateway.js';
import { modifiedMrSmall, samplePath, storescu } from '../dicom-scp/support.js';

const f = useGatewayFixture();

async function gatewayWithOperator(dicom: DicomReceiverOptions): Promise<RawClient> {
  // A window longer than the test: what the window's end writes is FoldedRepeats's (tests/gateway/server/link-limits.test.ts).
  await f.start({ dicom, linkLimits: { refusalAuditWindowMs: 600_000 } });
  return f.client('operator', 'Remote Tech');
}

const notices = (c: RawClient, code: string) =>
  c.messages.flatMap((m) => (m.type === 'event' && m.body.kind === 'notice' && m.body.text.includes(code) ? [m.body.text] : []));
const rejected = (code: string) => f.gateway.store.auditTrail().filter((r) => r.action === 'c-store' && r.decision === 'rejected' && r.code === code);

describe('DICOM refusals in the audit trail', () => {
  it('folds the refusals of one peer address into one row and one notice, whatever calling AE titles it makes up', async () => {
    const operator = await gatewayWithOperator({ port: 0, allowList: parseAllowList('SCANNER@127.0.0.0/8') });
    const port = f.gateway.imaging!.dicomPort!;
    for (let i = 0; i < 5; i++) {
      const result = await storescu(port, [samplePath('MR_small.dcm')], ['-aet', `ROGUE${i}`]);
      expect(result.ok).toBe(false);
    }
    expect(rejected(ErrorCode.DICOM_CALLING_AE_NOT_ALLOWED).map((r) => r.actor)).toEqual(['127.0.0.1']);
    expect(JSON.stringify(rejected(ErrorCode.DICOM_CALLING_AE_NOT_ALLOWED)[0]!.detail)).toContain('ROGUE0');
    await expect.poll(() => notices(operator, ErrorCode.DICOM_CALLING_AE_NOT_ALLOWED)).toHaveLength(1);
  });

  it('writes down an image refused before its response, with its code', async () => {
    const operator = await gatewayWithOperator({ port: 0 });
    const twoFrames = await modifiedMrSmall('two-frames.dcm', ['(0028,0008)=2']);
    expect((await storescu(f.gateway.imaging!.dicomPort!, [twoFrames])).responses).toEqual(['Error: CannotUnderstand']);
    expect(rejected(ErrorCode.DICOM_PIXEL_DATA)).toHaveLength(1);
    await expect.poll(() => notices(operator, ErrorCode.DICOM_PIXEL_DATA)).toHaveLength(1);
  });

  it('refuses images without a Series Instance UID before answering, one row and one notice for them all', async () => {
    const operator = await gatewayWithOperator({ port: 0 });
    const files = await Promise.all(
      Array.from({ length: 30 }, (_, i) => modifiedMrSmall(`no-series-${i}.dcm`, [`(0008,0018)=1.2.826.0.1.3680043.9.7433.${i + 1}`], ['-ea', '(0020,000E)'])),
    );
    // Each answered with its refusal: the scanner knows; before, each was told Success and dropped.
    expect((await storescu(f.gateway.imaging!.dicomPort!, files)).responses).toEqual(files.map(() => 'Error: DataSetDoesNotMatchSOPClass'));
    expect(rejected(ErrorCode.DICOM_MISSING_ATTRIBUTE)).toHaveLength(1);
    await expect.poll(() => notices(operator, ErrorCode.DICOM_MISSING_ATTRIBUTE)).toHaveLength(1);
    // A well-formed image still goes through.
    expect((await storescu(f.gateway.imaging!.dicomPort!, [samplePath('MR_small.dcm')])).responses).toEqual(['Success']);
    expect(operator.messages.filter((m) => m.type === 'event' && m.body.kind === 'notice' && /refused/.test(m.body.text))).toHaveLength(1);
  });

  it('writes down a called AE title that is not the receiver’s', async () => {
    const operator = await gatewayWithOperator({ port: 0 });
    expect((await storescu(f.gateway.imaging!.dicomPort!, [samplePath('MR_small.dcm')], [], 'NOTLARMOR')).ok).toBe(false);
    expect(rejected(ErrorCode.DICOM_CALLED_AE_UNKNOWN)).toHaveLength(1);
    await expect.poll(() => notices(operator, ErrorCode.DICOM_CALLED_AE_UNKNOWN)).toHaveLength(1);
  });
});
