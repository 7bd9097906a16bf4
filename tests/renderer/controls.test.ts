import { describe, expect, it } from 'vitest';
import {
  activeSequence,
  closeExamAvailability,
  commandAvailability,
  moveTarget,
  openExamAvailability,
  pauseAvailability,
  queueAddAvailability,
  queueItemAvailability,
  queueRemainingS,
  resumeAvailability,
  startAvailability,
  stopAvailability,
  type ControlContext,
} from '../../renderer/src/logic/controls.js';
import { formatClock } from '../../base/common/clock.js';
import { ME, link, sequence, snapshot } from './fixtures.js';

const ready: ControlContext = { link: link(), snapshot: snapshot() };
const acquiring: ControlContext = {
  link: link(),
  snapshot: snapshot({ state: 'acquiring', activeSequenceId: 'a', queue: [sequence('a', 'acquiring', { remainingS: 100 }), sequence('b', 'queued')] }),
};
const paused: ControlContext = {
  link: link(),
  snapshot: snapshot({ state: 'paused', activeSequenceId: 'a', queue: [sequence('a', 'paused'), sequence('b', 'queued')] }),
};

describe('commandAvailability', () => {
  it('allows commands for the connected control holder', () => {
    expect(commandAvailability(ready)).toEqual({ enabled: true, reason: null });
  });
  it('says the link is lost when it is lost', () => {
    expect(commandAvailability({ ...ready, link: link({ status: 'lost' }) }).reason).toBe('Link lost');
  });
  it('says the link is not connected while connecting', () => {
    expect(commandAvailability({ ...ready, link: link({ status: 'connecting' }) }).reason).toBe('Link not connected');
  });
  it('refuses observers even if they somehow held control', () => {
    const ctx = { ...ready, link: link({ role: 'observer' }) };
    expect(commandAvailability(ctx)).toEqual({ enabled: false, reason: 'Observers cannot command the scanner' });
  });
  it('names the control holder when another session holds control', () => {
    const ctx = { ...ready, snapshot: snapshot({ control: { holderSessionId: 'other', holderName: 'Ana' } }) };
    expect(commandAvailability(ctx).reason).toBe('No control: held by Ana');
  });
  it('says nobody holds control when control is free', () => {
    const ctx = { ...ready, snapshot: snapshot({ control: { holderSessionId: null, holderName: null } }) };
    expect(commandAvailability(ctx).reason).toMatch(/^No control: nobody holds control/);
  });
  it('says for whom control is reserved, and until when, while an operator’s link is lost', () => {
    const controlReturnsAt = '2026-01-01T10:01:00.000Z';
    const ctx = {
      ...ready,
      snapshot: snapshot({
        control: { holderSessionId: null, holderName: null },
        onsite: {
          presence: null,
          consoleAlive: true,
          checklist: { studyUid: null, confirmedBy: null, confirmedAt: null },
          lastEmergency: null,
          operatorLoss: { name: 'Ana', since: '2026-01-01T10:00:00.000Z', controlReturnsAt },
        },
      }),
    };
    expect(commandAvailability(ctx).reason).toBe(`No control: reserved for Ana until ${formatClock(controlReturnsAt)} (link lost)`);
  });
  it('waits for a snapshot before allowing anything', () => {
    expect(commandAvailability({ link: link(), snapshot: null }).reason).toBe('Waiting for scanner state');
  });
});

describe('start / pause / resume / stop', () => {
  it('enables only Start when a sequence is queued and nothing runs', () => {
    expect(startAvailability(ready).enabled).toBe(true);
    expect(pauseAvailability(ready).reason).toBe('Nothing is acquiring');
    expect(resumeAvailability(ready).reason).toBe('Nothing is paused');
    expect(stopAvailability(ready).reason).toBe('Nothing is acquiring');
  });
  it('disables Start with "Nothing queued" when the queue holds only finished sequences', () => {
    const ctx = { ...ready, snapshot: snapshot({ state: 'completed', queue: [sequence('a', 'completed')] }) };
    expect(startAvailability(ctx)).toEqual({ enabled: false, reason: 'Nothing queued' });
  });
  it('disables Start without an exam', () => {
    const ctx = { ...ready, snapshot: snapshot({ exam: null, state: 'idle' }) };
    expect(startAvailability(ctx).reason).toBe('No exam open');
  });
  it('enables Pause and Stop while acquiring, not Start or Resume', () => {
    expect(pauseAvailability(acquiring).enabled).toBe(true);
    expect(stopAvailability(acquiring).enabled).toBe(true);
    expect(startAvailability(acquiring).reason).toBe('An acquisition is already running');
    expect(resumeAvailability(acquiring).enabled).toBe(false);
  });
  it('enables Resume and Stop while paused, not Pause', () => {
    expect(resumeAvailability(paused).enabled).toBe(true);
    expect(stopAvailability(paused).enabled).toBe(true);
    expect(pauseAvailability(paused).enabled).toBe(false);
  });
  it('gives the general reason first: no control beats the scanner state', () => {
    const ctx = { ...acquiring, snapshot: { ...acquiring.snapshot!, control: { holderSessionId: 'x', holderName: 'Ana' } } };
    expect(stopAvailability(ctx).reason).toBe('No control: held by Ana');
  });
});

describe('exam and queue controls', () => {
  it('opens an exam only when none is open', () => {
    expect(openExamAvailability(ready).reason).toBe('An exam is already open');
    expect(openExamAvailability({ ...ready, snapshot: snapshot({ exam: null, state: 'idle' }) }).enabled).toBe(true);
  });
  it('does not close an exam during an acquisition', () => {
    expect(closeExamAvailability(acquiring).reason).toBe('Stop the acquisition first');
    expect(closeExamAvailability(ready).enabled).toBe(true);
  });
  it('adds to the queue only with an exam open', () => {
    expect(queueAddAvailability(ready).enabled).toBe(true);
    expect(queueAddAvailability({ ...ready, snapshot: snapshot({ exam: null }) }).reason).toBe('No exam open');
  });
  it('edits, moves or removes only sequences still queued', () => {
    const running = acquiring.snapshot!.queue[0];
    expect(queueItemAvailability(acquiring, running).reason).toBe('Sequence is acquiring');
    expect(queueItemAvailability(acquiring, acquiring.snapshot!.queue[1]).enabled).toBe(true);
  });
});

describe('moveTarget', () => {
  const queue = [sequence('done', 'completed'), sequence('a', 'queued'), sequence('b', 'queued'), sequence('c', 'queued')];
  it('moves a queued sequence one place up or down among queued neighbours', () => {
    expect(moveTarget(queue, 'b', -1)).toBe(1);
    expect(moveTarget(queue, 'b', 1)).toBe(3);
  });
  it('never moves a sequence above one that has already run', () => {
    expect(moveTarget(queue, 'a', -1)).toBeNull();
  });
  it('cannot move past the end, an unknown id, or a finished sequence', () => {
    expect(moveTarget(queue, 'c', 1)).toBeNull();
    expect(moveTarget(queue, 'nope', 1)).toBeNull();
    expect(moveTarget(queue, 'done', 1)).toBeNull();
  });
});

describe('queue arithmetic', () => {
  it('adds the running remainder to the queued acquisition times', () => {
    expect(queueRemainingS(acquiring.snapshot)).toBe(100 + 192);
  });
  it('finds the active sequence by id', () => {
    expect(activeSequence(acquiring.snapshot)?.id).toBe('a');
    expect(activeSequence(ready.snapshot)).toBeNull();
  });
  it('uses the fixture session id as control holder', () => {
    expect(ready.snapshot!.control.holderSessionId).toBe(ME);
  });
});
