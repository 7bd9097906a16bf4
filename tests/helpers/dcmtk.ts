import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Push files to a Storage SCP with DCMTK's storescu, a real peer nobody here wrote.
 * RLE files need their own presentation context (-R: propose only the file's own syntax, -xr:
 * RLE Lossless).
 */
export async function storescu(port: number, files: string[], options: { aeTitle?: string; rle?: boolean } = {}): Promise<{ stdout: string; stderr: string }> {
  const args = ['-aec', options.aeTitle ?? 'LARMOR', '-aet', 'STORESCU', ...(options.rle ? ['-R', '-xr'] : []), '127.0.0.1', String(port), ...files];
  return run('storescu', args);
}
