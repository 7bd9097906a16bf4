import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { refuseConcurrentStart, type ScannerUnderControl } from '../../../main/desk/concurrent-acquisitions.js';

const scanner = (siteId: string, youHoldControl: boolean, acquiring: boolean): ScannerUnderControl => ({
  siteId,
  name: `MR ${siteId}`,
  youHoldControl,
  acquiring,
});

describe('maxConcurrentAcquisitions on this workstation', () => {
  it('refuses a start while another scanner under your control acquires, naming it', () => {
    const refusal = refuseConcurrentStart({ name: 'scan.start' }, 'b', [scanner('a', true, true), scanner('b', true, false)], 1);
    expect(refusal).toMatchObject({ code: ErrorCode.DESK_CONCURRENT_ACQUISITIONS });
    expect(refusal!.reason).toContain('MR a');
  });

  it('counts a resume as a start, and a paused scanner as acquiring', () => {
    expect(refuseConcurrentStart({ name: 'scan.resume' }, 'b', [scanner('a', true, true)], 1)).not.toBeNull();
  });

  it('lets a start through within the limit, and ignores scanners someone else controls', () => {
    expect(refuseConcurrentStart({ name: 'scan.start' }, 'c', [scanner('a', true, true), scanner('b', false, true)], 2)).toBeNull();
    expect(refuseConcurrentStart({ name: 'scan.start' }, 'c', [scanner('a', true, true), scanner('b', true, true)], 2)).not.toBeNull();
    expect(refuseConcurrentStart({ name: 'scan.start' }, 'c', [scanner('a', true, true), scanner('b', true, true)], 3)).toBeNull();
  });

  it('never refuses what does not start an acquisition, nor a start at the scanner already counted', () => {
    expect(refuseConcurrentStart({ name: 'scan.stop' }, 'b', [scanner('a', true, true)], 1)).toBeNull();
    expect(refuseConcurrentStart({ name: 'scan.resume' }, 'a', [scanner('a', true, true)], 1)).toBeNull();
  });
});
