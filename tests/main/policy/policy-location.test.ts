import { describe, expect, it } from 'vitest';
import { machinePolicyPath, policyFilePath } from '../../../main/policy/policy-location.js';

describe('machine policy location', () => {
  it.each([
    ['linux', {}, '/etc/larmor/policy.json'],
    ['darwin', {}, '/Library/Application Support/Larmor/policy.json'],
    ['win32', { ProgramData: 'D:\\ProgramData' }, 'D:\\ProgramData\\Larmor\\policy.json'],
    ['win32', {}, 'C:\\ProgramData\\Larmor\\policy.json'],
  ] as const)('is the machine-wide place on %s', (platform, env, expected) => {
    expect(machinePolicyPath(platform, env)).toBe(expected);
    expect(policyFilePath(platform, env, () => false)).toBe(expected);
  });

  it('follows LARMOR_POLICY_FILE on a machine without a policy of its own', () => {
    expect(policyFilePath('win32', { LARMOR_POLICY_FILE: '/tmp/p.json' }, () => false)).toBe('/tmp/p.json');
  });

  it('never lets LARMOR_POLICY_FILE replace the policy IT put on the machine', () => {
    expect(policyFilePath('linux', { LARMOR_POLICY_FILE: '/tmp/loose.json' }, (path) => path === '/etc/larmor/policy.json')).toBe('/etc/larmor/policy.json');
  });
});
