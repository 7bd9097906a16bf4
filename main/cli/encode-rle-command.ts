/**
 * `larmor encode-rle IN.dcm OUT.dcm`: writes IN as an RLE Lossless Part 10 file (PS3.5 Annex G),
 * one fragment per frame with a Basic Offset Table. Errors go to stderr with their code; the exit
 * status is non-zero.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rle, toRleLossless } from '../../native-bridge/index.js';
import { readPart10 } from '../../native-bridge/dicom/index.js';
import { reportFailure, reportUsage } from './cli-errors.js';

const USAGE = 'larmor encode-rle IN.dcm OUT.dcm';

const fail = (error: unknown): number => reportFailure('encode-rle', error);
const usage = (): number => reportUsage('encode-rle', USAGE);

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
