import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

const remove = (dir: string) => rmSync(dir, { recursive: true, force: true });

/**
 * Directories that outlive one test (made in a hook, or holding a gateway's files): removed once
 * the test file is done. Registered when this module is imported, so it runs after the file's own
 * `afterAll` hooks (vitest runs them in reverse order of registration), once its gateways are closed.
 * Imported outside a vitest run (a benchmark, a test's child process), there is no file to wait
 * for: they go when the process exits.
 */
const untilFileEnds: string[] = [];
const sweep = () => {
  for (const dir of untilFileEnds.splice(0)) remove(dir);
};
try {
  afterAll(sweep);
} catch {
  process.once('exit', sweep);
}

/**
 * A fresh directory, removed when the test that made it finishes; made in a hook, when the test
 * file is done. (`afterEach`, registered while a test runs, never ran: thousands were left behind.)
 */
export function tempDir(prefix = 'larmor-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    onTestFinished(() => remove(dir));
  } catch {
    untilFileEnds.push(dir); // Not inside a test.
  }
  return dir;
}

/** A fresh directory removed when the test file is done, for what may live on after the test that made it. */
export function tempDirForFile(prefix = 'larmor-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  untilFileEnds.push(dir);
  return dir;
}
