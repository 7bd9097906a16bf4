import { describe, expect, it } from 'vitest';
import { formatPersonName } from '../../../base/common/person-name.js';

describe('formatPersonName (PS3.5 6.2 PN)', () => {
  it('shows family, then given and middle names', () => {
    expect(formatPersonName('NORDMANN^KARI')).toBe('NORDMANN, KARI');
    expect(formatPersonName('DOE^JOHN^Q^DR^JR')).toBe('DOE, DR JOHN Q JR');
    expect(formatPersonName('ANON')).toBe('ANON');
    expect(formatPersonName('Yamada^Tarou=山田^太郎')).toBe('Yamada, Tarou');
    expect(formatPersonName('')).toBe('');
  });
});
