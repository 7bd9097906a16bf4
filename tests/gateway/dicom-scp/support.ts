import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SAMPLES_DIR } from '../../helpers/dicom-samples.js';
import { tempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);

export const samplePath = (name: string): string => join(SAMPLES_DIR, name);

/** Runs a DCMTK tool; failures are results, not exceptions (storescu exits non-zero on a refused store). */
export async function dcmtk(tool: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(tool, args);
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

/**
 * storescu to our SCP: -nh keeps going after a refused object, as a scanner's send queue does;
 * -v prints each C-STORE response, which we return in order (e.g. "Success",
 * "Refused: SOPClassNotSupported").
 */
export async function storescu(port: number, files: string[], extra: string[] = [], calledAe = 'LARMOR') {
  const result = await dcmtk('storescu', ['-v', '-nh', '-aet', 'STORESCU', '-aec', calledAe, ...extra, '127.0.0.1', String(port), ...files]);
  const responses = [...result.output.matchAll(/Received Store Response \((.*)\)/g)].map((m) => m[1]);
  return { ...result, responses };
}

/** The data set of a Part 10 file as it would travel over DIMSE: everything after group 0002. */
export function datasetBytesOf(part10: Uint8Array): Uint8Array {
  const view = new DataView(part10.buffer, part10.byteOffset, part10.byteLength);
  const groupLength = view.getUint32(140, true); // (0002,0000) UL value, right after "DICM" + its header
  return part10.subarray(144 + groupLength);
}

export function readSample(name: string): Uint8Array {
  return new Uint8Array(readFileSync(samplePath(name)));
}

/** MR_small.dcm (64 x 64, 16 bits, one frame of Pixel Data) with attributes set by DCMTK's dcmodify, e.g. "(0028,0008)=2", after its `options` (e.g. `-ea (0020,000E)`, to erase one). */
export async function modifiedMrSmall(name: string, changes: string[], options: string[] = []): Promise<string> {
  const file = join(tempDir(), name);
  copyFileSync(samplePath('MR_small.dcm'), file);
  await run('dcmodify', ['-nb', ...options, ...changes.flatMap((change) => ['-i', change]), file]);
  return file;
}
