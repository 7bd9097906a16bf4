import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { FoldedRepeats, type FoldedRow } from '../../../gateway/audit/folded-repeats.js';

describe('folded repeats', () => {
  it('writes the first refusal at once and the rest of the window as one row with a count', () => {
    const rows: FoldedRow[] = [];
    const audit = new FoldedRepeats(60_000, (row) => rows.push(row));
    for (let i = 0; i < 1000; i++) audit.report('s1', ErrorCode.MALFORMED_JSON, 'frame is not valid JSON');
    expect(rows.map((r) => r.count)).toEqual([1]);
    audit.flush();
    expect(rows.map((r) => r.count)).toEqual([1, 999]);
  });

  it('keeps kinds apart: another key or another code is a row of its own', () => {
    const rows: FoldedRow[] = [];
    const audit = new FoldedRepeats(60_000, (row) => rows.push(row));
    audit.report('STORESCU', ErrorCode.DICOM_PATIENT_MISMATCH, 'another patient');
    audit.report('STORESCU', ErrorCode.DICOM_PATIENT_MISMATCH, 'another patient');
    audit.report('MODALITY', ErrorCode.DICOM_PATIENT_MISMATCH, 'another patient');
    audit.report('STORESCU', ErrorCode.IMAGE_TOO_LARGE, 'too large');
    expect(rows.map((r) => [r.key, r.code, r.count])).toEqual([
      ['STORESCU', ErrorCode.DICOM_PATIENT_MISMATCH, 1],
      ['MODALITY', ErrorCode.DICOM_PATIENT_MISMATCH, 1],
      ['STORESCU', ErrorCode.IMAGE_TOO_LARGE, 1],
    ]);
    audit.flush();
    expect(rows.at(-1)).toMatchObject({ key: 'STORESCU', code: ErrorCode.DICOM_PATIENT_MISMATCH, count: 1 });
    expect(rows).toHaveLength(4);
  });

  it("writes a key's counts when the key ends (its session closed) and holds nothing for it after", () => {
    const rows: FoldedRow[] = [];
    const audit = new FoldedRepeats(60_000, (row) => rows.push(row));
    for (let i = 0; i < 3; i++) audit.report('s1', ErrorCode.MALFORMED_JSON, 'frame is not valid JSON');
    audit.report('s1', ErrorCode.HELLO_REQUIRED, 'send hello first');
    audit.report('s2', ErrorCode.MALFORMED_JSON, 'frame is not valid JSON');
    audit.report('s2', ErrorCode.MALFORMED_JSON, 'frame is not valid JSON');
    audit.end('s1');
    expect(rows.map((r) => [r.key, r.code, r.count])).toEqual([
      ['s1', ErrorCode.MALFORMED_JSON, 1],
      ['s1', ErrorCode.HELLO_REQUIRED, 1],
      ['s2', ErrorCode.MALFORMED_JSON, 1],
      ['s1', ErrorCode.MALFORMED_JSON, 2],
    ]);
    // Nothing of s1 is left to write; s2's window is still open.
    audit.end('s1');
    audit.flush();
    expect(rows.slice(4).map((r) => [r.key, r.code, r.count])).toEqual([['s2', ErrorCode.MALFORMED_JSON, 1]]);
  });

  it('holds at most maxKeys keys: a new one writes the longest-open first, so made-up keys cannot pile up', () => {
    const rows: FoldedRow[] = [];
    const audit = new FoldedRepeats(60_000, (row) => rows.push(row), 2);
    for (const key of ['AE1', 'AE1', 'AE2', 'AE2', 'AE3']) audit.report(key, ErrorCode.DICOM_CALLING_AE_NOT_ALLOWED, 'not on the allow list');
    expect(rows.map((r) => [r.key, r.count])).toEqual([
      ['AE1', 1],
      ['AE2', 1],
      ['AE1', 1],
      ['AE3', 1],
    ]);
    audit.flush();
    expect(rows.slice(4).map((r) => [r.key, r.count])).toEqual([['AE2', 1]]);
  });
});
