import { useEffect, useState } from 'react';
import type { PolicyView } from '../../../protocol/policy.js';

/**
 * The machine policy hospital IT set on this computer (window.larmor.policy), or null while it
 * is being read or when the shell has none. The shells enforce it on every connect request;
 * the page only uses it to offer what is allowed.
 */
export function useMachinePolicy(): PolicyView | null {
  const [policy, setPolicy] = useState<PolicyView | null>(null);
  useEffect(() => {
    let live = true;
    window.larmor?.policy?.current().then(
      (value) => live && setPolicy(value),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return policy;
}

/** The gateway a policy lets the connect screen start with: the remembered one if allowed, else the first allowed. */
export function allowedChoice<T extends string>(current: T, allowed: readonly T[] | null | undefined): T {
  if (!allowed || allowed.length === 0 || allowed.includes(current)) return current;
  return allowed[0]!;
}
