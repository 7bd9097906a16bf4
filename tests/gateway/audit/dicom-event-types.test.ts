import { describe, expect, it } from 'vitest';
import { dicomEventTypeOf, outcomeIndicatorOf } from '../../../gateway/audit/dicom-event-types.js';

const idOf = (action: string, decision: string) => {
  const t = dicomEventTypeOf(action, decision);
  return `${t.eventId.code}/${t.eventType?.code ?? '-'}/${t.action}`;
};

describe('dicomEventTypeOf (PS3.15 A.5.3, PS3.16 CID 400/401)', () => {
  it.each([
    ['hello', 'accepted', '110114/110122/E'],
    ['disconnect', 'observed', '110114/110123/E'],
    ['control', 'granted to Remote Tech', '110113/110136/E'],
    ['onsite emergency.stop', 'done', '110113/110127/E'],
    ['command scan.start', 'rejected', '110113/110132/E'],
    ['command exam.open', 'done', '110110/-/R'],
    ['command scan.start', 'done', '110102/-/E'],
    ['gateway', 'started', '110100/110120/E'],
    ['gateway', 'stopped', '110100/110121/E'],
  ])('%s: %s is %s', (action, decision, expected) => {
    expect(idOf(action, decision)).toBe(expected);
  });

  it('makes an action no rule names Application Activity with the action as a local type', () => {
    const t = dicomEventTypeOf('media health', 'failed');
    expect(t.eventId.code).toBe('110100');
    expect(t.eventType).toEqual({ code: 'media health', system: '99LARMOR', meaning: 'media health' });
  });
});

describe('outcomeIndicatorOf (PS3.15 A.5.1 EventOutcomeIndicator)', () => {
  it('is 0 for success, 4 for a refusal, 8 for a lost link', () => {
    expect(outcomeIndicatorOf('done', null)).toBe(0);
    expect(outcomeIndicatorOf('rejected', 'LARMOR_E_ROLE_FORBIDDEN')).toBe(4);
    expect(outcomeIndicatorOf('lost', null)).toBe(8);
  });
});
