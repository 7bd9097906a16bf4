import { describe, expect, it } from 'vitest';
import { ErrorCode, MAX_EXAM_SEQUENCES } from '../../../protocol/index.js';
import { ScannerSimulator, type SliceDone } from '../../../gateway/simulator/scanner-simulator.js';
import { PATIENT } from '../../helpers/gateway.js';

function simulator(): ScannerSimulator {
  let n = 0;
  return new ScannerSimulator({ timeScale: 1, newUid: () => `2.25.${++n}` });
}

function withExam(): ScannerSimulator {
  const s = simulator();
  s.openExam(PATIENT, 'MRI BRAIN', null);
  return s;
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('ScannerSimulator state machine', () => {
  it('holds at most MAX_EXAM_SEQUENCES sequences in an exam, with a coded refusal beyond', () => {
    const s = withExam();
    for (let i = 0; i < MAX_EXAM_SEQUENCES; i++) s.queueSequence('localizer');
    expect(code(() => s.queueSequence('localizer'))).toBe(ErrorCode.QUEUE_FULL);
    expect(s.core().queue).toHaveLength(MAX_EXAM_SEQUENCES);
  });

  it('goes idle -> exam-open -> sequence-queued -> acquiring -> paused -> acquiring -> completed', () => {
    const s = simulator();
    expect(s.state()).toBe('idle');
    s.openExam(PATIENT, 'MRI BRAIN', null);
    expect(s.state()).toBe('exam-open');
    const item = s.queueSequence('localizer');
    expect(s.state()).toBe('sequence-queued');
    s.start();
    expect(s.state()).toBe('acquiring');
    s.pause();
    expect(s.state()).toBe('paused');
    s.resume();
    s.advance(item.acquisitionTimeS * 1000);
    expect(s.state()).toBe('completed');
    expect(s.core().queue[0]).toMatchObject({ status: 'completed', progress: 1, remainingS: 0 });
  });

  it('ends aborted with the reason when stopped', () => {
    const s = withExam();
    s.queueSequence('t1-se-ax');
    s.start();
    s.advance(10_000);
    s.stop('stopped by Test');
    expect(s.state()).toBe('aborted');
    expect(s.core().queue[0]).toMatchObject({ status: 'aborted', endReason: 'stopped by Test' });
  });

  it('does not advance while paused', () => {
    const s = withExam();
    s.queueSequence('t1-se-ax');
    s.start();
    s.advance(10_000);
    s.pause();
    const before = s.core().queue[0]!.progress;
    s.advance(60_000);
    expect(s.core().queue[0]!.progress).toBe(before);
  });

  it('reports time left from the computed acquisition time', () => {
    const s = withExam();
    const item = s.queueSequence('t2-tse-ax');
    s.start();
    s.advance(42_000);
    expect(s.core().queue[0]!.remainingS).toBeCloseTo(item.acquisitionTimeS - 42, 1);
  });

  it('emits every slice exactly once, in order, at the pace of the acquisition', () => {
    const s = withExam();
    const item = s.queueSequence('t1-se-ax');
    const slices: SliceDone[] = [];
    s.on('slice-done', (d) => slices.push(d));
    s.start();
    s.advance((item.acquisitionTimeS * 1000) / 2);
    expect(slices).toHaveLength(10);
    s.advance(item.acquisitionTimeS * 1000);
    expect(slices.map((d) => d.index)).toEqual([...Array(20).keys()]);
    expect(new Set(slices.map((d) => d.sequence.seriesUid)).size).toBe(1);
  });

  it('numbers series within the exam', () => {
    const s = withExam();
    s.queueSequence('localizer');
    s.queueSequence('localizer');
    s.start();
    s.stop('x');
    s.start();
    expect(s.core().queue.map((q) => q.seriesNumber)).toEqual([1, 2]);
  });

  it('recomputes the acquisition time when parameters change', () => {
    const s = withExam();
    const item = s.queueSequence('t1-se-ax');
    const edited = s.editSequence(item.id, { averages: 1 });
    expect(edited.acquisitionTimeS).toBeCloseTo(item.acquisitionTimeS / 2, 1);
  });

  it('refuses out-of-range parameters without changing anything', () => {
    const s = withExam();
    const item = s.queueSequence('t1-se-ax');
    const before = JSON.stringify(s.core());
    expect(code(() => s.editSequence(item.id, { averages: 2, trMs: 99_999 }))).toBe(ErrorCode.INVALID_PARAMETER);
    expect(code(() => s.editSequence(item.id, { teMs: 600 }))).toBe(ErrorCode.INVALID_PARAMETER);
    expect(code(() => s.editSequence(item.id, { tiMs: 100 }))).toBe(ErrorCode.INVALID_PARAMETER);
    expect(code(() => s.editSequence(item.id, { matrixRows: 100 }))).toBe(ErrorCode.INVALID_PARAMETER);
    expect(JSON.stringify(s.core())).toBe(before);
  });

  it('reorders and removes queued sequences only', () => {
    const s = withExam();
    const a = s.queueSequence('localizer');
    const b = s.queueSequence('t1-se-ax');
    s.reorderSequence(b.id, 0);
    expect(s.core().queue.map((q) => q.id)).toEqual([b.id, a.id]);
    s.start(b.id);
    expect(code(() => s.removeSequence(b.id))).toBe(ErrorCode.INVALID_STATE);
    s.removeSequence(a.id);
    expect(s.core().queue).toHaveLength(1);
  });

  it.each([
    ['starting with nothing queued', (s: ScannerSimulator) => s.start(), ErrorCode.INVALID_STATE],
    ['pausing when idle', (s: ScannerSimulator) => s.pause(), ErrorCode.INVALID_STATE],
    ['resuming when not paused', (s: ScannerSimulator) => s.resume(), ErrorCode.INVALID_STATE],
    ['stopping when nothing runs', (s: ScannerSimulator) => s.stop('x'), ErrorCode.INVALID_STATE],
    ['queueing an unknown protocol', (s: ScannerSimulator) => s.queueSequence('nope'), ErrorCode.UNKNOWN_PROTOCOL],
    ['editing an unknown sequence', (s: ScannerSimulator) => s.editSequence('nope', {}), ErrorCode.UNKNOWN_SEQUENCE],
    ['opening a second exam', (s: ScannerSimulator) => s.openExam(PATIENT, '', null), ErrorCode.INVALID_STATE],
  ])('refuses %s', (_name, act, expected) => {
    expect(code(() => act(withExam()))).toBe(expected);
  });

  it('refuses queueing before an exam is open', () => {
    expect(code(() => simulator().queueSequence('localizer'))).toBe(ErrorCode.NO_EXAM);
  });

  it('runs a sequence to completion on the wall clock, sped up by the time scale', async () => {
    const s = new ScannerSimulator({ timeScale: 1000, newUid: () => '2.25.1' });
    s.openExam(PATIENT, '', null);
    s.queueSequence('localizer'); // ~20 s of scanner time: ~20 ms here
    s.start();
    s.startClock(5);
    await new Promise<void>((resolve) => s.on('change', () => s.state() === 'completed' && resolve()));
    s.stopClock();
    expect(s.core().queue[0]!.status).toBe('completed');
  });
});
