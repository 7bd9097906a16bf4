import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/index.js';
import { isCallingAeAllowed, parseAllowList } from '../../../gateway/dicom-scp/calling-ae-allow-list.js';

describe('calling AE allow list', () => {
  const rules = parseAllowList('MRI1@10.1.2.0/24, PACS@192.168.0.7,*@172.16.0.0/12,LAB@fd00::/8');

  it.each([
    ['MRI1', '10.1.2.77', true],
    ['MRI1', '::ffff:10.1.2.77', true],
    ['MRI1', '10.1.3.1', false],
    ['PACS', '192.168.0.7', true],
    ['PACS', '192.168.0.8', false],
    ['ANYONE', '172.20.1.1', true],
    ['LAB', 'fd12::1', true],
    ['LAB', '10.1.2.77', false],
    ['MRI2', '10.1.2.77', false],
  ])('%s from %s: %s', (ae, address, allowed) => {
    expect(isCallingAeAllowed(rules, ae, address)).toBe(allowed);
  });

  it('admits everyone when the list is empty, and no one without a source address otherwise', () => {
    expect(isCallingAeAllowed([], 'ANY', '8.8.8.8')).toBe(true);
    expect(isCallingAeAllowed(rules, 'MRI1', undefined)).toBe(false);
  });

  it.each([
    ['MRI1'],
    ['@10.0.0.0/8'],
    ['MRI1@10.0.0.0/33'],
    ['MRI1@not-an-address'],
    ['A\\B@10.0.0.1'],
    ['SEVENTEEN_CHARS_X@10.0.0.1'],
    ['MRI1@10.0.0.0/x'],
    ['MRI1@10.0.0.0/08'],
    ['MRI1@10.0.0.0/'],
    ['MRI1@10.0.0.0/+8'],
    ['MRI1@010.0.0.1'],
  ])('refuses the entry %s with a parameter error', (spec) => {
    expect(() => parseAllowList(spec)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER }));
  });
});
