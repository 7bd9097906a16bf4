import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStatic, resolveInside } from '../../../base/node/static-files.js';
import { tempDir } from '../../helpers/temp-dir.js';

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
});
