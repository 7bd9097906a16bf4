import { join, win32 } from 'node:path';

/**
 * Where the machine policy lives on each operating system: the machine-wide configuration
 * place that only administrators can write (so a user cannot loosen it).
 * LARMOR_POLICY_FILE points elsewhere, for tests and for IT trying a policy before deploying it.
 */
export function policyFilePath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (env.LARMOR_POLICY_FILE) return env.LARMOR_POLICY_FILE;
  switch (platform) {
    case 'win32':
      return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Larmor', 'policy.json');
    case 'darwin':
      return '/Library/Application Support/Larmor/policy.json';
    default:
      return join('/etc', 'larmor', 'policy.json');
  }
}
