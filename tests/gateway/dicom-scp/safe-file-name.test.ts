import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../../gateway/dicom-scp/index.js';

describe('file names for received objects', () => {
  it('keeps a valid UID as the name', () => {
    expect(safeFileName('1.2.840.113619.2.55.3')).toBe('1.2.840.113619.2.55.3.dcm');
  });

  it.each(['../../etc/passwd', '/abs/path', 'a\\b', 'CON', '.hidden', 'x\0y', '1.2.3/4', `1.${'2'.repeat(300)}`])(
    'never uses %j unexamined: a hash without separators instead',
    (hostile) => {
      const name = safeFileName(hostile);
      expect(name).toMatch(/^x-[0-9a-f]{64}\.dcm$/);
    },
  );
});
