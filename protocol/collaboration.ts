import { z } from 'zod';
import { ScannerCommand } from './commands.js';
import { Role } from './roles.js';

/**
 * "Scanning with you": the remote technologist, onsite staff and observers working on one exam.
 * Text chat, marks drawn on live images, proposals the control holder accepts or declines,
 * handover of control (confirmed onsite), and the site's written contingency plans (IAC
 * requires written policies for equipment and communication failure, internet instability and
 * power outage). docs/architecture.md "Collaboration" describes the rules the gateway enforces.
 */

const Participant = z.object({ sessionId: z.string(), name: z.string(), role: Role });

export const MAX_CHAT_CHARS = 1000;

export const ChatEntry = z.object({
  id: z.string(),
  at: z.string(),
  /** The exam it belongs to (Study Instance UID), or null before any exam is open. */
  studyUid: z.string().nullable(),
  from: z.object({ name: z.string(), role: Role }),
  text: z.string().min(1).max(MAX_CHAT_CHARS),
});
export type ChatEntry = z.infer<typeof ChatEntry>;

export const MarkShape = z.enum(['arrow', 'circle', 'freehand']);
export type MarkShape = z.infer<typeof MarkShape>;

/**
 * A point in image pixel coordinates (column, row), PS3.3 C.10.5.1.2's "image relative"
 * convention: (0,0) is the top left corner of the top left pixel. Anchored to the image, not the
 * screen, so zoom and pan keep a mark in place.
 */
export const ImagePoint = z.tuple([z.number().finite().min(-65536).max(65536), z.number().finite().min(-65536).max(65536)]);
export type ImagePoint = z.infer<typeof ImagePoint>;

export const MAX_MARK_POINTS = 512;
/**
 * Decimals a mark's points keep: a tenth of a pixel, finer than any pointer draws on a zoomed
 * image. A pointer's coordinates come with some fifteen digits; kept, they made a 512-point mark
 * about 20 KB of JSON instead of 10.
 */
export const MARK_POINT_DECIMALS = 1;
export const MAX_MARKS_PER_IMAGE = 50;
/**
 * Marks in one exam, every image together. Each joiner gets them all in one collaboration
 * state; at most MAX_MARK_POINTS points each, held to MARK_POINT_DECIMALS (about 10 KB of JSON
 * at the most), this keeps that message under 11 MB, below the frame limit (protocol/version.ts
 * MAX_FRAME_BYTES) whatever is drawn.
 */
export const MAX_MARKS_PER_EXAM = 1000;
/**
 * Proposals one person may have waiting for the holder's answer. Every pending proposal is in the
 * collaboration state each joiner gets, and in the holder's view: without a bound, one console
 * could make that state as large as it liked.
 */
export const MAX_PENDING_PROPOSALS_PER_PERSON = 5;

export const Mark = z.object({
  id: z.string(),
  at: z.string(),
  sopInstanceUid: z.string(),
  shape: MarkShape,
  /** arrow: [tail, head]; circle: [centre, a point on the circle]; freehand: the path. */
  points: z.array(ImagePoint).min(2).max(MAX_MARK_POINTS),
  by: z.object({ name: z.string(), role: Role }),
});
export type Mark = z.infer<typeof Mark>;

/** What may be proposed: queue and parameter changes, never a start or a stop. */
const ProposableCommand = ScannerCommand.refine(
  (c) => c.name === 'sequence.queue' || c.name === 'sequence.edit' || c.name === 'sequence.remove' || c.name === 'sequence.reorder',
  { message: 'only queue and parameter changes may be proposed' },
);

const ProposalStatus = z.enum(['pending', 'accepted', 'declined', 'withdrawn']);

export const Proposal = z.object({
  id: z.string(),
  at: z.string(),
  by: Participant,
  command: ScannerCommand,
  status: ProposalStatus,
  /** Who answered and the outcome in words (an accepted proposal may still be refused by the scanner). */
  answer: z.object({ by: z.string(), at: z.string(), note: z.string() }).nullable(),
});
export type Proposal = z.infer<typeof Proposal>;

const HandoverStatus = z.enum(['awaiting-onsite', 'done', 'cancelled']);
export const Handover = z.object({
  id: z.string(),
  at: z.string(),
  from: Participant,
  to: Participant,
  status: HandoverStatus,
  note: z.string().nullable(),
});
export type Handover = z.infer<typeof Handover>;

/** The kinds of written contingency plan a site keeps per scanner (IAC MRI Standards 2024, policies). */
export const ContingencyKind = z.enum(['communication-failure', 'internet-instability', 'power-outage', 'emergency']);
export type ContingencyKind = z.infer<typeof ContingencyKind>;
export const CONTINGENCY_KINDS: readonly ContingencyKind[] = ContingencyKind.options;

export const CONTINGENCY_WORDS: Record<ContingencyKind, string> = {
  'communication-failure': 'Communication failure',
  'internet-instability': 'Internet instability',
  'power-outage': 'Power outage',
  emergency: 'Emergency',
};

export const MAX_PLAN_CHARS = 4000;

export const ContingencyPlan = z.object({
  kind: ContingencyKind,
  text: z.string().max(MAX_PLAN_CHARS),
  version: z.number().int().min(0),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type ContingencyPlan = z.infer<typeof ContingencyPlan>;

export const CollabAction = z.discriminatedUnion('name', [
  z.object({ name: z.literal('chat.send'), text: z.string().trim().min(1).max(MAX_CHAT_CHARS) }),
  z.object({
    name: z.literal('mark.add'),
    sopInstanceUid: z.string().min(1).max(64),
    shape: MarkShape,
    points: z.array(ImagePoint).min(2).max(MAX_MARK_POINTS),
  }),
  /** Clears the marks on one image (every mark, whoever drew it: the image is shared). */
  z.object({ name: z.literal('mark.clear'), sopInstanceUid: z.string().min(1).max(64) }),
  z.object({ name: z.literal('proposal.make'), command: ProposableCommand }),
  z.object({ name: z.literal('proposal.answer'), proposalId: z.string().min(1).max(64), accept: z.boolean() }),
  z.object({ name: z.literal('proposal.withdraw'), proposalId: z.string().min(1).max(64) }),
  /** The control holder hands control to another connected operator; onsite staff confirm. */
  z.object({ name: z.literal('handover.offer'), toSessionId: z.string().min(1).max(64) }),
  z.object({ name: z.literal('handover.confirm'), handoverId: z.string().min(1).max(64) }),
  z.object({ name: z.literal('handover.cancel'), handoverId: z.string().min(1).max(64) }),
  /** Someone saw an alarm (a notice event of level alarm, by its sequence number): recorded at this gateway. */
  z.object({ name: z.literal('alarm.acknowledge'), seq: z.number().int().positive() }),
]);
export type CollabAction = z.infer<typeof CollabAction>;

/** Answered with an `ack` carrying the same id. */
export const CollabMessage = z.object({
  type: z.literal('collab'),
  id: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
  action: CollabAction,
});
export type CollabMessage = z.infer<typeof CollabMessage>;

export const CollabState = z.object({
  /** The open exam's chat (or the chat before any exam), oldest first. */
  chat: z.array(ChatEntry),
  /** Marks per image of the open exam. */
  marks: z.array(Mark),
  proposals: z.array(Proposal),
  handover: Handover.nullable(),
  plans: z.array(ContingencyPlan),
});
export type CollabState = z.infer<typeof CollabState>;

/** Sent once after every welcome: what a joining or resuming client needs to catch up. */
export const CollabStateMessage = z.object({ type: z.literal('collab.state'), state: CollabState });
export type CollabStateMessage = z.infer<typeof CollabStateMessage>;

/** Sequenced gateway event bodies (GatewayEventBody) of the collaboration features. */
export const CollabEventBodies = [
  z.object({ kind: z.literal('chat'), entry: ChatEntry }),
  /**
   * One mark added. Only the new mark: sending the image's whole set at each addition made every
   * client receive the square of what was drawn.
   */
  z.object({ kind: z.literal('mark'), mark: Mark }),
  /** The whole set of marks on one image after a change (an empty list: cleared). */
  z.object({ kind: z.literal('marks'), sopInstanceUid: z.string(), marks: z.array(Mark) }),
  z.object({ kind: z.literal('proposal'), proposal: Proposal }),
  z.object({ kind: z.literal('handover'), handover: Handover }),
  z.object({ kind: z.literal('plans'), plans: z.array(ContingencyPlan) }),
] as const;
export type CollabEventBody = z.infer<(typeof CollabEventBodies)[number]>;
