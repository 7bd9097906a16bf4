import { describe, expect, it } from 'vitest';
import type { OnsiteStatus, ScannerSnapshot } from '../../protocol/index.js';
import { startAvailability } from '../../renderer/src/logic/controls.js';
import { seriesStatus } from '../../renderer/src/components/SeriesStrip.js';
import { link, snapshot } from './fixtures.js';

function withOnsite(onsite: Partial<OnsiteStatus>): ScannerSnapshot {
  const base = snapshot();
  const ready: OnsiteStatus = {
    presence: { sessionId: 'o1', name: 'Olivia Onsite', credential: 'registered-technologist', checkedInAt: '2026-12-01T10:00:00Z' },
    consoleAlive: true,
    checklist: { studyUid: base.exam!.studyUid, confirmedBy: 'Olivia Onsite', confirmedAt: '2026-12-01T10:01:00Z' },
    lastEmergency: null,
    operatorLoss: null,
  };
  return { ...base, onsite: { ...ready, ...onsite } };
}

describe('Start and the scanner room', () => {
  it('allows Start when someone is checked in, their console responds and the checklist is confirmed for this exam', () => {
    expect(startAvailability({ link: link(), snapshot: withOnsite({}) })).toEqual({ enabled: true, reason: null });
  });

  it('says nobody is checked in', () => {
    expect(startAvailability({ link: link(), snapshot: withOnsite({ presence: null }) }).reason).toBe('Nobody is checked in at the scanner');
  });

  it('names the onsite technologist whose console stopped responding', () => {
    expect(startAvailability({ link: link(), snapshot: withOnsite({ consoleAlive: false }) }).reason).toMatch(/console of Olivia Onsite is not responding/);
  });

  it('waits for the checklist of this exam, not of an earlier one', () => {
    const earlier = withOnsite({ checklist: { studyUid: '2.25.999', confirmedBy: 'Olivia Onsite', confirmedAt: '2026-12-01T09:00:00Z' } });
    expect(startAvailability({ link: link(), snapshot: earlier })).toEqual({
      enabled: false,
      reason: 'The onsite safety checklist is not confirmed for this exam',
    });
  });

  it('leaves the decision to a gateway that reports no onsite state', () => {
    expect(startAvailability({ link: link(), snapshot: snapshot() }).enabled).toBe(true);
  });
});

describe('series status on a thumbnail', () => {
  it('says "stopped early" for an aborted acquisition instead of "receiving"', () => {
    expect(seriesStatus('aborted', true)).toMatchObject({ key: 'stopped', word: 'stopped early' });
  });

  it('says "receiving" only while images are still expected, and nothing once complete', () => {
    expect(seriesStatus('acquiring', true)?.key).toBe('receiving');
    expect(seriesStatus('completed', false)).toBeNull();
    expect(seriesStatus(null, false)).toBeNull();
  });
});
