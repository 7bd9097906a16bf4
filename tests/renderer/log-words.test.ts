import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../protocol/api.js';
import { ErrorCode } from '../../protocol/errors.js';
import { toLogEntry } from '../../main/core/activity.js';
import { CommandLabels, commandLabel, entryCode, plainWords } from '../../renderer/src/logic/log-words.js';
import { snapshot } from './fixtures.js';
import { formatClock } from '../../base/common/clock.js';

const at = '2026-12-01T10:00:00.000Z';
const e = (kind: LogEntry['kind'], text: string, level: LogEntry['level'] = 'info'): LogEntry => ({ at, kind, level, text });
const alarm = (text: string, a: NonNullable<LogEntry['alarm']>): LogEntry => ({ ...e('notice', text, 'alarm'), alarm: a });

describe("event log in the technologist's words", () => {
  it('says "Queued T2 TSE axial" when the queue command this window gave is acknowledged', () => {
    const labels = new CommandLabels();
    labels.note('sequence.queue', commandLabel({ name: 'sequence.queue', protocolId: 't2-tse-ax' }, snapshot()));
    expect(plainWords(e('command', 'sent sequence.queue'), labels)).toBe('Adding T2 TSE axial to the queue');
    expect(plainWords(e('ack', 'sequence.queue done'), labels)).toBe('Queued T2 TSE axial');
    expect(plainWords(e('ack', 'sequence.queue done'), labels)).toBe('Sequence added to the queue'); // a command given elsewhere
  });

  it('says "Scan started", "Scan stopped by onsite emergency stop" and who calls for help, from what the alarm carries', () => {
    const labels = new CommandLabels();
    expect(plainWords(e('ack', 'scan.start done'), labels)).toBe('Scan started');
    const stopped = 'by Olivia Onsite: acquisition stopped; remote control revoked from Rita Remote';
    expect(plainWords(alarm(`EMERGENCY STOP ${stopped}`, { kind: 'emergency-stop', detail: stopped, by: 'Olivia Onsite', scanStopped: true }), labels)).toBe(
      'Scan stopped by onsite emergency stop (Olivia Onsite)',
    );
    // An emergency stop with nothing running stopped no scan.
    const idle = 'by Olivia Onsite: nothing was running; remote control revoked';
    expect(plainWords(alarm(`EMERGENCY STOP ${idle}`, { kind: 'emergency-stop', detail: idle, by: 'Olivia Onsite', scanStopped: false }), labels)).toBe(
      'Onsite emergency stop (Olivia Onsite): remote control revoked, no scan was running',
    );
    const help = 'by Olivia Onsite (onsite): patient anxious';
    expect(plainWords(alarm(`HELP CALLED ${help}`, { kind: 'help-call', detail: help, by: 'Olivia Onsite', reason: 'patient anxious' }), labels)).toBe(
      'Onsite staff call for help (Olivia Onsite): patient anxious',
    );
    // Raised again by a gateway that restarted before anyone saw it: when it was first raised, in this window's time.
    const raisedAt = '2026-12-05T09:14:03.000Z';
    expect(plainWords(alarm(`HELP CALLED ${help}`, { kind: 'help-call', detail: help, by: 'Olivia Onsite', raisedAt }), labels)).toBe(
      `Onsite staff call for help (Olivia Onsite) (raised ${formatClock(raisedAt)}, before the gateway restarted)`,
    );
    // The words come from the alarm, never from the text: a notice that only reads like one stays as it is.
    expect(plainWords(e('notice', `EMERGENCY STOP ${stopped}`, 'alarm'), labels)).toBe(`EMERGENCY STOP ${stopped}`);
  });

  it("puts a refusal's reason in words and keeps its code for the detail row", () => {
    const entry = e('ack', 'scan.start refused: LARMOR_E_CHECKLIST_INCOMPLETE the onsite checklist is not confirmed', 'warning');
    expect(plainWords(entry, new CommandLabels())).toBe('Start refused: the onsite checklist is not confirmed');
    expect(entryCode(entry)).toBe('LARMOR_E_CHECKLIST_INCOMPLETE');
  });

  it('says how the link to the scanner site is, with or without a route in the line', () => {
    const labels = new CommandLabels();
    expect(plainWords(e('health', 'link connecting: connecting to ws://127.0.0.1:47123/'), labels)).toBe('Connecting to the scanner site');
    expect(plainWords(e('health', 'link lost: no heartbeat for 3 s', 'alarm'), labels)).toBe('Connection to the scanner site lost');
    expect(plainWords(e('health', 'link healthy (backup route): rtt 12 ms'), labels)).toBe('Connection to the scanner site is healthy');
  });

  it("says why a reconnect was refused and that it goes on, from the core's own line, the code kept for the detail row", () => {
    const labels = new CommandLabels();
    const spent = toLogEntry({ type: 'reconnect-refused', at, code: ErrorCode.RESUME_REPLAYED, reason: 'already used', next: 'without-secret' })!;
    expect(spent.level).toBe('warning');
    expect(plainWords(spent, labels)).toBe(
      'Reconnecting without taking back scanner control: the scanner site says it was already taken back for a connection that did not get through',
    );
    expect(entryCode(spent)).toBe(ErrorCode.RESUME_REPLAYED);
    const full = toLogEntry({ type: 'reconnect-refused', at, code: ErrorCode.TOO_MANY_SESSIONS, reason: 'Rita already has 8 sessions', next: 'later' })!;
    expect(plainWords(full, labels)).toBe('Reconnect refused for now, trying again: Rita already has 8 sessions');
    expect(entryCode(full)).toBe(ErrorCode.TOO_MANY_SESSIONS);
  });

  it("says when images arrive faster than the workstation shows them, from the core's own line", () => {
    const labels = new CommandLabels();
    const held = toLogEntry({ type: 'image-backlog', at, held: true, waitingBytes: 134_217_728 })!;
    expect(held).toMatchObject({ level: 'warning', text: 'image intake held: 134 MB waiting for the decoder' });
    expect(plainWords(held, labels)).toBe('Images are arriving faster than this workstation can show them: the rest wait at the scanner site');
    expect(plainWords(toLogEntry({ type: 'image-backlog', at, held: false, waitingBytes: 0 })!, labels)).toBe('Caught up: every image held back has arrived');
  });

  it('logs an alarm acknowledged here once: by the gateway’s notice naming who saw it, or here when only this workstation knows', () => {
    const ack = {
      type: 'desk-alarm',
      at,
      siteId: 'mr-1',
      alarmId: 'a1',
      kind: 'help-call',
      text: 'HELP CALLED by Olivia (onsite)',
      event: 'acknowledged',
    } as const;
    expect(toLogEntry({ ...ack, seq: 12, atGateway: true })).toBeNull();
    expect(toLogEntry({ ...ack, seq: null, atGateway: false })).toMatchObject({ text: 'alarm acknowledged: HELP CALLED by Olivia (onsite)' });
    // Journalled before the gateway announced acknowledgements.
    expect(toLogEntry({ ...ack, seq: 12 })).toMatchObject({ text: 'alarm acknowledged: HELP CALLED by Olivia (onsite)' });
  });

  it('leaves a line it does not know as it is', () => {
    expect(plainWords(e('notice', 'something new happened'), new CommandLabels())).toBe('something new happened');
  });
});
