import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const { permissive, licenceFindings } = (await import(join(root, 'scripts', 'check-licences.js'))) as {
  permissive(expression: string): boolean;
  licenceFindings(deps?: { name: string; version: string; license: string | null; dir: string }[], exceptions?: Record<string, string>): string[];
};

describe('licence check of shipped code', () => {
  it.each(['MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause', '(MIT OR GPL-3.0-only)', '(MIT AND Zlib)', '(BSD-2-Clause OR MIT OR Apache-2.0)'])(
    'accepts %s',
    (expression) => {
      expect(permissive(expression)).toBe(true);
    },
  );

  it.each(['GPL-3.0-only', 'AGPL-3.0-or-later', 'LGPL-2.1', 'MPL-2.0', 'EUPL-1.2', '(MIT AND GPL-2.0)', 'GPL-2.0 WITH Classpath-exception-2.0', 'UNLICENSED'])(
    'refuses %s',
    (expression) => {
      expect(permissive(expression)).toBe(false);
    },
  );

  it('fails on a copyleft or undeclared licence unless the package has a reviewed exception', () => {
    const deps = [
      { name: 'ok', version: '1.0.0', license: 'MIT', dir: 'node_modules/ok' },
      { name: 'viral', version: '2.0.0', license: 'GPL-3.0-only', dir: 'node_modules/viral' },
      { name: 'silent', version: '0.1.0', license: null, dir: 'node_modules/silent' },
    ];
    expect(licenceFindings(deps, {})).toEqual([
      'viral@2.0.0 (node_modules/viral): GPL-3.0-only is copyleft',
      'silent@0.1.0 (node_modules/silent): no licence declared',
    ]);
    expect(licenceFindings(deps, { viral: 'dynamically linked tool, reviewed', 'silent@0.1.0': 'MIT per its README' })).toEqual([]);
  });

  it('finds nothing in the packages the app ships today', () => {
    expect(licenceFindings()).toEqual([]);
  });
});
