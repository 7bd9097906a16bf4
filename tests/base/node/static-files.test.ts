import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type * as FsPromises from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readStatic, resolveInside } from '../../../base/node/static-files.js';
import { tempDir } from '../../helpers/temp-dir.js';

// Counts reads, and reads for real.
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof FsPromises>();
  return { ...fs, readFile: vi.fn(fs.readFile) };
});

describe('static files', () => {
  it('serves index.html for / and a file by its path, with its content type', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'assets', 'app.js'), 'export {}');
    expect(await readStatic(root, '/')).toEqual({ body: Buffer.from('<!doctype html>'), type: 'text/html; charset=utf-8' });
    expect((await readStatic(root, '/assets/app.js?v=1'))?.type).toBe('text/javascript; charset=utf-8');
  });

  it.each(['/../secret', '/assets/../../secret', '/%2e%2e/secret', '/..%2fsecret', '/%00', '/%E0%A4%A'])('refuses %s, which would leave the root', (path) => {
    expect(resolveInside('/srv/page', path)).toBeNull();
  });

  it('answers null for a missing file', async () => {
    expect(await readStatic(tempDir(), '/nothing.js')).toBeNull();
  });

  it('reads a file once for any number of requests, even at the same moment, and again once it changed on disk', async () => {
    const root = tempDir();
    const page = join(root, 'index.html');
    writeFileSync(page, '<!doctype html><p>first');
    const reads = () => vi.mocked(readFile).mock.calls.filter(([path]) => path === page).length;
    const bodies = await Promise.all(Array.from({ length: 200 }, () => readStatic(root, '/')));
    expect(new Set(bodies.map((b) => b?.body.toString()))).toEqual(new Set(['<!doctype html><p>first']));
    expect(reads()).toBe(1);
    await readStatic(root, '/index.html');
    expect(reads()).toBe(1);
    // A new build writes the page again: served new, whatever its size.
    writeFileSync(page, '<!doctype html><p>other');
    utimesSync(page, new Date(), new Date(Date.now() + 5000));
    expect((await readStatic(root, '/'))?.body.toString()).toBe('<!doctype html><p>other');
    expect(reads()).toBe(2);
  });

  it('answers null for a folder, and for a file gone since it was served', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'gone.js'), 'export {}');
    expect(await readStatic(root, '/assets')).toBeNull();
    expect(await readStatic(root, '/gone.js')).not.toBeNull();
    rmSync(join(root, 'gone.js'));
    expect(await readStatic(root, '/gone.js')).toBeNull();
  });
});
