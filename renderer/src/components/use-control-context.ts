import { useMemo } from 'react';
import { useApp } from '../store/store.js';
import type { ControlContext } from '../logic/controls.js';

/** The inputs of every enable rule, selected as stable references so components re-render only on change. */
export function useControlContext(): ControlContext {
  const link = useApp((s) => s.link);
  const snapshot = useApp((s) => s.snapshot);
  return useMemo(() => ({ link, snapshot }), [link, snapshot]);
}
