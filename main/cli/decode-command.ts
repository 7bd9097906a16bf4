/**
 * `larmor decode IN.dcm OUT.raw`: writes all frames' pixel data, decoded, little-endian, frames
 * concatenated: the bytes dcmdrle would put in Pixel Data (an uncompressed input is copied
 * through). Errors go to stderr with their code; the exit status is non-zero, and OUT.raw is not
 * left behind, empty or with the frames before the bad one: a script that checks for the file
 * must not take it for the image.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { rle, streamDecodedPixelData } from '../../native-bridge/index.js';
import { readPart10 } from '../../native-bridge/dicom/index.js';
import { reportFailure, reportUsage } from './cli-errors.js';

const USAGE = 'larmor decode IN.dcm OUT.raw';

const fail = (error: unknown): number => reportFailure('decode', error);
const usage = (): number => reportUsage('decode', USAGE);

export async function run(argv: string[]): Promise<number> {
  if (argv.length !== 2) return usage();
  const [input, output] = argv;
  try {
    const file = readPart10(readFileSync(input));
    // Written beside OUT.raw and renamed once whole (rename(2) within a directory is atomic).
    const partial = `${output}.partial`;
    const fd = openSync(partial, 'w');
    let whole = false;
    try {
      // Frame by frame through one reused buffer: no 100 MB of fresh pages for a 100 MB series.
      streamDecodedPixelData(file, rle, (chunk) => {
        let written = 0;
        while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
      });
      whole = true;
    } finally {
      closeSync(fd);
      if (!whole) rmSync(partial, { force: true });
    }
    renameSync(partial, output);
    return 0;
  } catch (error) {
    return fail(error);
  }
}
