import { describe, expect, it } from 'vitest';
import { deskShortcutIndex, shortcutHint } from '../../../renderer/src/desk/desk-keys.js';

const keys = (code: string, key: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) => ({
  code,
  key,
  ctrlKey: true,
  altKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe('desk keyboard shortcuts', () => {
  it('maps Ctrl+1..9 to the first nine scanners', () => {
    expect(deskShortcutIndex(keys('Digit1', '1'))).toBe(0);
    expect(deskShortcutIndex(keys('Digit3', '3'))).toBe(2);
    expect(deskShortcutIndex(keys('Numpad9', '9'))).toBe(8);
  });

  it('reads the physical key, so an AZERTY top row works too', () => {
    expect(deskShortcutIndex(keys('Digit2', 'é'))).toBe(1);
  });

  it('ignores Ctrl+0, plain digits and other modifier combinations', () => {
    expect(deskShortcutIndex(keys('Digit0', '0'))).toBeNull();
    expect(deskShortcutIndex(keys('Digit1', '1', { ctrlKey: false }))).toBeNull();
    expect(deskShortcutIndex(keys('Digit1', '!', { shiftKey: true }))).toBeNull();
    expect(deskShortcutIndex(keys('Digit1', '1', { altKey: true }))).toBeNull();
    expect(deskShortcutIndex(keys('KeyA', 'a'))).toBeNull();
  });

  it('shows the hint on the first nine tiles only', () => {
    expect(shortcutHint(0)).toBe('Ctrl+1');
    expect(shortcutHint(8)).toBe('Ctrl+9');
    expect(shortcutHint(9)).toBeNull();
  });
});
