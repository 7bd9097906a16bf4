/**
 * `larmor encode-rle IN.dcm OUT.dcm`: writes IN as an RLE Lossless Part 10 file (PS3.5 Annex G),
 * one fragment per frame with a Basic Offset Table. Errors go to stderr with their code; the exit
 * status is non-zero.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rle, toRleLossless } from '../../native-bridge/index.js';
import { readPart10 } from '../../native-bridge/dicom/index.js';
import { ErrorCode } from '../../protocol/errors.js';

const USAGE = 'larmor encode-rle IN.dcm OUT.dcm';

/** Failures go to stderr as `larmor <command>: CODE message`; exit status 1 (2 for usage). */
function fail(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const stable = typeof code === 'string' && code.startsWith('LARMOR_E_') ? code
    : (error as NodeJS.ErrnoException | null)?.syscall !== undefined ? ErrorCode.INVALID_PARAMETER // fs errors: ENOENT, EACCES...
    : ErrorCode.INTERNAL;
  process.stderr.write(`larmor encode-rle: ${stable} ${message}\n`);
  return 1;
}

function usage(): number {
  process.stderr.write(`larmor encode-rle: ${ErrorCode.INVALID_PARAMETER} usage: ${USAGE}\n`);
  return 2;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.length !== 2) return usage();
  const [input, output] = argv;
  try {
    const file = readPart10(readFileSync(input));
    writeFileSync(output, toRleLossless(file, rle));
    return 0;
  } catch (error) {
    return fail(error);
  }
}
