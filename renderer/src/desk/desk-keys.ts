/** The keys of a keydown event the desk shortcut looks at (a KeyboardEvent has them all). */
export interface ShortcutKeys {
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** Ctrl+1..9 reach the first nine scanners; a desk may list more (they are clicked). */
const SHORTCUT_SCANNERS = 9;

/**
 * The 0-based tile index a keydown asks to focus, or null. Read from the physical key
 * (`code`, Digit1..9 or Numpad1..9) so layouts whose unshifted top row is not digits (AZERTY)
 * work too; Ctrl alone, so Ctrl+Shift and AltGr combinations keep their meaning.
 */
export function deskShortcutIndex(event: ShortcutKeys): number | null {
  if (!event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return null;
  const match = /^(?:Digit|Numpad)([1-9])$/.exec(event.code) ?? /^([1-9])$/.exec(event.key);
  if (!match) return null;
  return Number(match[1]) - 1;
}

/** The hint shown on a tile ("Ctrl+3"), or null past the ninth. */
export function shortcutHint(index: number): string | null {
  return index >= 0 && index < SHORTCUT_SCANNERS ? `Ctrl+${index + 1}` : null;
}
