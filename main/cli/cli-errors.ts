import { codeOf, ErrorCode } from '../../protocol/errors.js';

/**
 * How the file commands report failure: one line on stderr, `larmor <command>: CODE message`,
 * with a stable LARMOR_E_ code; exit status 1 (2 for wrong usage).
 */
export function reportFailure(command: string, error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  // fs errors (ENOENT, EACCES...) mean the user named a file that cannot be used.
  const stable = codeOf(error, (error as NodeJS.ErrnoException | null)?.syscall !== undefined ? ErrorCode.INVALID_PARAMETER : ErrorCode.INTERNAL);
  process.stderr.write(`larmor ${command}: ${stable} ${message}\n`);
  return 1;
}

export function reportUsage(command: string, usage: string): number {
  process.stderr.write(`larmor ${command}: ${ErrorCode.INVALID_PARAMETER} usage: ${usage}\n`);
  return 2;
}
