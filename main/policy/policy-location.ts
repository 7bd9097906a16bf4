import { existsSync } from 'node:fs';
import { join, win32 } from 'node:path';

/**
 * Where the machine policy lives on each operating system: the machine-wide configuration
 * place that only administrators can write (so a user cannot loosen it).
 */
export function machinePolicyPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  switch (platform) {
    case 'win32':
      return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Larmor', 'policy.json');
    case 'darwin':
      return '/Library/Application Support/Larmor/policy.json';
    default:
      return join('/etc', 'larmor', 'policy.json');
  }
}

/**
 * The policy file to read. LARMOR_POLICY_FILE (tests; IT trying a policy out) is followed only
 * where the machine has no policy of its own: a user's environment can add restrictions to an
 * unmanaged machine, never replace the ones IT set.
 */
export function policyFilePath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): string {
  const machine = machinePolicyPath(platform, env);
  if (env.LARMOR_POLICY_FILE && !exists(machine)) return env.LARMOR_POLICY_FILE;
  return machine;
}
