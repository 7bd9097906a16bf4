import { describe, expect, it } from 'vitest';
import { acquisitionUnderway, ScannerState, SequenceStatus } from '../../protocol/scanner.js';

describe('acquisitionUnderway', () => {
  it('is true for a running or a paused acquisition, as a scanner state or a sequence status', () => {
    const underway = (values: readonly string[]) => values.filter((v) => acquisitionUnderway(v as ScannerState));
    expect(underway(ScannerState.options)).toEqual(['acquiring', 'paused']);
    expect(underway(SequenceStatus.options)).toEqual(['acquiring', 'paused']);
  });

  it('is false when there is no scanner state yet', () => {
    expect(acquisitionUnderway(null)).toBe(false);
    expect(acquisitionUnderway(undefined)).toBe(false);
  });
});
