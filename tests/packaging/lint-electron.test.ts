import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

const root = join(import.meta.dirname, '..', '..');

function lint(main: string, preload = join(root, 'preload')) {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'lint-electron.js'), '--main', main, '--preload', preload], { encoding: 'utf8' });
  return { status: result.status, out: result.stdout + result.stderr };
}

/**
 * The lint must be able to fail: the shell with context isolation turned off does. (That the
 * shell as it is passes is `npm run lint:electron` itself, run by `npm test`.)
 */
describe('npm run lint:electron', () => {
  it('fails the shell with context isolation off, naming the check and the file', () => {
    const main = join(tempDir(), 'main');
    cpSync(join(root, 'main'), main, { recursive: true });
    const shell = join(main, 'electron', 'shell.ts');
    writeFileSync(shell, readFileSync(shell, 'utf8').replace('contextIsolation: true', 'contextIsolation: false'));
    const { status, out } = lint(main);
    expect(out).toMatch(/FINDING\s+HIGH .*CONTEXT_ISOLATION_JS_CHECK main\/electron\/shell\.ts/);
    expect(status).toBe(1);
  });
});
