import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeOf, ErrorCode, isErrorCode, LarmorError, toCodedError } from '../../protocol/errors.js';

const root = resolve(import.meta.dirname, '..', '..');
const registry = new Set<string>(Object.values(ErrorCode));

/** Every LARMOR_E_ token written in the files under `dir` with one of the extensions. */
function codesWritten(dir: string, extensions: RegExp): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'fixtures' && name !== 'node_modules') for (const [code, file] of codesWritten(path, extensions)) found.set(code, file);
    } else if (extensions.test(name) && path !== import.meta.filename) {
      // A token ending in `_` is a family written in prose ("LARMOR_E_RLE_..."), not a code.
      for (const [code] of readFileSync(path, 'utf8').matchAll(/LARMOR_E_[A-Z0-9_]*[A-Z0-9]\b(?!_)/g)) found.set(code, path.slice(root.length + 1));
    }
  }
  return found;
}

describe('the error registry', () => {
  it('gives every code a distinct LARMOR_E_ string', () => {
    const values = Object.values(ErrorCode);
    expect(new Set(values).size).toBe(values.length);
    for (const value of values) expect(value).toMatch(/^LARMOR_E_[A-Z0-9]+(_[A-Z0-9]+)*$/);
  });

  it('lists every code the C++ addon throws', () => {
    const thrown = codesWritten(join(root, 'native-bridge', 'src'), /\.(cc|h)$/);
    expect(thrown.size).toBeGreaterThan(0);
    expect([...thrown].filter(([code]) => !registry.has(code))).toEqual([]);
  });

  it('lists every code the tests expect (this file aside, which names a code outside it)', () => {
    const expected = codesWritten(join(root, 'tests'), /\.tsx?$/);
    expect([...expected].filter(([code]) => !registry.has(code))).toEqual([]);
  });
});

describe('codeOf', () => {
  it('returns the code a LarmorError carries', () => {
    expect(codeOf(new LarmorError(ErrorCode.NO_EXAM, 'no exam is open'))).toBe(ErrorCode.NO_EXAM);
  });

  it('returns a registry code carried by a plain object, as errors arrive over IPC', () => {
    expect(codeOf({ code: ErrorCode.LINK_DOWN, message: 'gone' })).toBe(ErrorCode.LINK_DOWN);
  });

  it.each([
    ['a Node errno error', Object.assign(new Error('no such file'), { code: 'ENOENT' })],
    ['a code outside the registry', { code: 'LARMOR_E_SOMETHING_ELSE' }],
    ['a plain Error', new Error('boom')],
    ['a thrown string', 'boom'],
    ['null', null],
  ])('falls back to INTERNAL for %s', (_, error) => {
    expect(codeOf(error)).toBe(ErrorCode.INTERNAL);
  });

  it('falls back to the caller-given code', () => {
    expect(codeOf(new Error('bad bytes'), ErrorCode.DICOM_UNREADABLE)).toBe(ErrorCode.DICOM_UNREADABLE);
  });

  it('isErrorCode accepts registry strings only', () => {
    expect(isErrorCode(ErrorCode.RLE_BAD_SEGMENT_COUNT)).toBe(true);
    expect(isErrorCode('ENOENT')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });

  it('toCodedError gives the {code, message} a UI shows', () => {
    expect(toCodedError(new LarmorError(ErrorCode.INVALID_STATE, 'no acquisition to pause'))).toEqual({
      code: ErrorCode.INVALID_STATE,
      message: 'no acquisition to pause',
    });
    expect(toCodedError('boom')).toEqual({ code: ErrorCode.INTERNAL, message: 'boom' });
  });
});
