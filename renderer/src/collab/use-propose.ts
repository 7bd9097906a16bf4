import { useMemo } from 'react';
import type { ScannerCommand } from '../../../protocol/commands.js';
import type { ControlContext } from '../logic/controls.js';
import { useControlContext } from '../components/use-control-context.js';
import { appStore } from '../store/store.js';

/**
 * A remote technologist who is signed in as operator but does not hold control proposes queue
 * and parameter changes instead of giving them (docs/architecture.md "Collaboration"); the
 * holder accepts or declines. Observers never propose (the gateway refuses them).
 */
export function proposesInstead(ctx: ControlContext): boolean {
  const holder = ctx.snapshot?.control.holderSessionId ?? null;
  return ctx.link.status === 'connected' && ctx.link.role === 'operator' && holder !== null && holder !== ctx.link.sessionId;
}

/** The same context as if this session held control: what a proposal may ask for, by the usual rules. */
export function asHolder(ctx: ControlContext): ControlContext {
  if (!ctx.snapshot) return ctx;
  return { ...ctx, snapshot: { ...ctx.snapshot, control: { ...ctx.snapshot.control, holderSessionId: ctx.link.sessionId } } };
}

/**
 * For the queue and parameter controls: the context their enable rules read, whether they
 * propose, and one send that gives the command or proposes it, keeping the outcome at `origin`.
 */
/** The commands a proposal may carry (protocol/collaboration.ts ProposableCommand). */
export type ProposableCommand = Extract<ScannerCommand, { name: 'sequence.queue' | 'sequence.remove' | 'sequence.reorder' | 'sequence.edit' }>;

export function useSendOrPropose(): { ctx: ControlContext; propose: boolean; send(origin: string, command: ProposableCommand): void } {
  const real = useControlContext();
  const propose = proposesInstead(real);
  const ctx = useMemo(() => (propose ? asHolder(real) : real), [propose, real]);
  return {
    ctx,
    propose,
    send: (origin, command) => {
      const store = appStore.getState();
      if (propose) void store.sendCollab(origin, { name: 'proposal.make', command });
      else void store.sendCommand(origin, command);
    },
  };
}
