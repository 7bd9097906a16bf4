import { describe, expect, it } from 'vitest';
import { policyFilePath } from '../../../main/policy/policy-location.js';

describe('machine policy location', () => {
  it.each([
    ['linux', {}, '/etc/larmor/policy.json'],
    ['darwin', {}, '/Library/Application Support/Larmor/policy.json'],
    ['win32', { ProgramData: 'D:\\ProgramData' }, 'D:\\ProgramData\\Larmor\\policy.json'],
    ['win32', {}, 'C:\\ProgramData\\Larmor\\policy.json'],
  ] as const)('is the machine-wide place on %s', (platform, env, expected) => {
    expect(policyFilePath(platform, env)).toBe(expected);
  });

  it('follows LARMOR_POLICY_FILE on every system', () => {
    expect(policyFilePath('win32', { LARMOR_POLICY_FILE: '/tmp/p.json' })).toBe('/tmp/p.json');
  });
});
