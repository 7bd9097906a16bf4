import { z } from 'zod';
import { Patient, SequenceParams, type ScannerSnapshot } from './scanner.js';

/**
 * Scanner commands a control holder may send. Each travels inside a `command` message with a
 * client-made id; the gateway answers with exactly one final ack (done or rejected).
 */
export const ScannerCommand = z.discriminatedUnion('name', [
  z.object({
    name: z.literal('exam.open'),
    patient: Patient,
    description: z.string().max(64),
    accessionNumber: z.string().max(16).nullable(),
  }),
  z.object({ name: z.literal('exam.close') }),
  z.object({
    name: z.literal('sequence.queue'),
    protocolId: z.string().min(1).max(64),
    /** Insert before this index; omitted = at the end. */
    position: z.number().int().min(0).optional(),
  }),
  z.object({ name: z.literal('sequence.remove'), sequenceId: z.string().min(1).max(64) }),
  z.object({
    name: z.literal('sequence.reorder'),
    sequenceId: z.string().min(1).max(64),
    toIndex: z.number().int().min(0),
  }),
  z.object({
    name: z.literal('sequence.edit'),
    sequenceId: z.string().min(1).max(64),
    changes: SequenceParams.partial(),
  }),
  /** Start the first queued sequence, or the named one. */
  z.object({ name: z.literal('scan.start'), sequenceId: z.string().min(1).max(64).optional() }),
  z.object({ name: z.literal('scan.pause') }),
  z.object({ name: z.literal('scan.resume') }),
  z.object({ name: z.literal('scan.stop') }),
]);
export type ScannerCommand = z.infer<typeof ScannerCommand>;

export const CommandOutcome = z.enum(['done', 'rejected']);
export type CommandOutcome = z.infer<typeof CommandOutcome>;

/**
 * The name of what a command acts on (a library protocol or a queued sequence), from the scanner
 * state it was given in; null when it names nothing. One rule for the workstation's event log
 * and its collaboration lines alike.
 */
export function commandSubject(command: ScannerCommand, snapshot: ScannerSnapshot | null): string | null {
  const nameOf = (id: string) => snapshot?.queue.find((s) => s.id === id)?.name ?? null;
  switch (command.name) {
    case 'sequence.queue':
      return snapshot?.library.find((t) => t.id === command.protocolId)?.name ?? null;
    case 'sequence.remove':
    case 'sequence.reorder':
    case 'sequence.edit':
      return nameOf(command.sequenceId);
    case 'scan.start':
      return command.sequenceId ? nameOf(command.sequenceId) : (snapshot?.queue.find((s) => s.status === 'queued')?.name ?? null);
    default:
      return null;
  }
}
