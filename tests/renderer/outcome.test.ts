import { describe, expect, it } from 'vitest';
import type { ScannerCommand } from '../../protocol/commands.js';
import type { ScannerState } from '../../protocol/scanner.js';
import { ErrorCode } from '../../protocol/errors.js';
import { outcomeStillShown, type CommandOutcome } from '../../renderer/src/logic/outcome.js';

const done = (command: ScannerCommand): CommandOutcome => ({ state: 'done', command, view: null, code: null, reason: null });
const ALL_STATES: ScannerState[] = ['idle', 'exam-open', 'sequence-queued', 'acquiring', 'paused', 'completed', 'aborted'];

describe('outcomeStillShown', () => {
  it('keeps "Start: Done" while the acquisition runs or is paused, and drops it once the acquisition has ended', () => {
    for (const name of ['scan.start', 'scan.pause', 'scan.resume'] as const) {
      expect(outcomeStillShown(done({ name }), 'acquiring')).toBe(true);
      expect(outcomeStillShown(done({ name }), 'paused')).toBe(true);
      // An emergency stop from the scanner room, a completed series, the next one waiting.
      expect(outcomeStillShown(done({ name }), 'aborted')).toBe(false);
      expect(outcomeStillShown(done({ name }), 'completed')).toBe(false);
      expect(outcomeStillShown(done({ name }), 'sequence-queued')).toBe(false);
      expect(outcomeStillShown(done({ name }), null)).toBe(false);
    }
  });

  it('leaves opening an exam to the exam panel', () => {
    const patient = { name: 'DOE^JANE', id: 'P1', birthDate: '', sex: null, weightKg: null };
    expect(outcomeStillShown(done({ name: 'exam.open', patient, description: '', accessionNumber: null }), 'exam-open')).toBe(false);
    expect(outcomeStillShown(done({ name: 'exam.close' }), 'idle')).toBe(true);
  });

  it('keeps a refusal and a command on its way whatever the scanner does, and other commands done', () => {
    const refused: CommandOutcome = {
      state: 'rejected',
      command: { name: 'scan.start' },
      view: null,
      code: ErrorCode.NO_CONTROL_HOLDER,
      reason: 'nobody holds control',
    };
    const pending: CommandOutcome = { state: 'pending', command: { name: 'scan.start' }, sentAt: '2026-12-04T17:00:00.000Z' };
    for (const state of ALL_STATES) {
      expect(outcomeStillShown(refused, state)).toBe(true);
      expect(outcomeStillShown(pending, state)).toBe(true);
      expect(outcomeStillShown(done({ name: 'scan.stop' }), state)).toBe(true);
      expect(outcomeStillShown(done({ name: 'sequence.queue', protocolId: 't2-tse-ax' }), state)).toBe(true);
    }
  });
});
