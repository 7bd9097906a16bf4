import { readFileSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ErrorCode, LarmorError } from '../../protocol/index.js';
import { MachinePolicy, NO_POLICY, type LoadedPolicy } from './machine-policy.js';
import { policyFilePath } from './policy-location.js';

/**
 * Read the machine policy. No file: no restrictions. A file that cannot be read or does not
 * match the schema stops the app (LARMOR_E_POLICY_INVALID) with a message naming the file and
 * the field: a damaged policy is never silently ignored, since ignoring it would lift every
 * restriction IT set.
 */
export function loadMachinePolicy(path: string = policyFilePath()): LoadedPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return NO_POLICY;
    throw invalid(path, '(file)', `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  // A policy anyone may rewrite restricts nothing (POSIX mode bits; Windows ACLs are IT's to set).
  if (process.platform !== 'win32' && (statSync(path).mode & 0o022) !== 0) {
    throw invalid(path, '(file)', 'is writable by users other than its owner; only administrators may be able to change it');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(path, '(file)', `is not JSON: ${(err as Error).message}`);
  }
  const parsed = MachinePolicy.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // An unknown key is reported at its parent; name the key itself, as IT wrote it.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const field = [...issue.path.map(String), ...keys.slice(0, 1)].join('.') || '(root)';
    throw invalid(path, field, keys.length > 0 ? 'is not a policy setting' : issue.message);
  }
  const policy = parsed.data;
  let trustedCaPem: string | null = null;
  if (policy.trustedCaBundle !== undefined) {
    if (!isAbsolute(policy.trustedCaBundle)) throw invalid(path, 'trustedCaBundle', 'must be an absolute path');
    try {
      trustedCaPem = readFileSync(policy.trustedCaBundle, 'utf8');
    } catch (err) {
      throw invalid(path, 'trustedCaBundle', `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    if (!trustedCaPem.includes('-----BEGIN CERTIFICATE-----')) throw invalid(path, 'trustedCaBundle', 'holds no PEM certificate');
  }
  return { policy, source: path, trustedCaPem };
}

function invalid(path: string, field: string, problem: string): LarmorError {
  return new LarmorError(
    ErrorCode.POLICY_INVALID,
    `The machine policy ${path} is not valid: ${field}: ${problem}. Larmor does not start with a damaged policy; ask your IT department to correct it.`,
  );
}
