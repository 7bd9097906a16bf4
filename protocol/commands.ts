import { z } from 'zod';
import { Patient, SequenceParams } from './scanner.js';

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
