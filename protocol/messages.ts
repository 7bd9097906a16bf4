import { z } from 'zod';
import { ScannerCommand, CommandOutcome } from './commands.js';
import { Participant, ScannerSnapshot } from './scanner.js';
import { OnsiteMessage } from './onsite.js';
import { Role } from './roles.js';
import { CollabEventBodies, CollabMessage, CollabStateMessage } from './collaboration.js';
import { ExamCatalogueMessage, ImageFetchMessage, ImageFetchResultMessage } from './exam-images.js';
import {
  MediaJoinMessage,
  MediaLeaveMessage,
  MediaStateMessage,
  MediaRoomMessage,
  MediaMemberMessage,
  MediaRefusedMessage,
  SignalMessage,
  SignalRelayMessage,
} from './signaling.js';

export { Role } from './roles.js';

/** Client-made command id: unique per workstation, reused verbatim when a command is resent. */
const CommandId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

// ---------------------------------------------------------------- client -> gateway

/**
 * A resume secret, as the welcome gives it and the next hello returns it: one schema for both, so
 * a welcome the workstation takes never hands it a secret that its next hello could not carry.
 */
const ResumeSecret = z.string().min(16).max(128);

export const HelloMessage = z.object({
  type: z.literal('hello'),
  version: z.number().int(),
  role: Role,
  credentials: z.object({
    /** Ignored by the gateway, and the workstation sends none: the name shown comes from the signed-in account. */
    name: z.string().min(1).max(64).optional(),
    /** Site access token, when the gateway requires one. */
    token: z.string().max(512).optional(),
    /** Session credential from sign-in (protocol/auth.ts); the role must be one of its account's. */
    session: z.string().min(1).max(4096).optional(),
  }),
  /**
   * The resume secret of this client's previous welcome: with the same signed-in user it takes
   * back scanner control held before a link loss. Each secret works once.
   */
  resumeSecret: ResumeSecret.optional(),
  /** Last event sequence number this client saw; the gateway replays what follows. */
  resumeFrom: z.number().int().min(0).optional(),
  /**
   * The gateway boot `resumeFrom` counts in (the welcome's `bootId`). Sequence numbers restart
   * with every gateway process: a resume point of another boot gets a fresh snapshot, no replay.
   */
  resumeBootId: z.string().min(1).max(64).optional(),
});
export type HelloMessage = z.infer<typeof HelloMessage>;

export const CommandMessage = z.object({
  type: z.literal('command'),
  id: CommandId,
  command: ScannerCommand,
});
export type CommandMessage = z.infer<typeof CommandMessage>;

/** Most command ids one `command.status` may ask about. */
export const MAX_STATUS_IDS = 100;

/**
 * Lookup only: what did the gateway decide for these command ids? Answered from its durable
 * command outcomes; nothing is applied. The workstation asks this, instead of resending, for
 * commands whose outcome it lost (a crash, or a send too old to repeat).
 */
export const CommandStatusMessage = z.object({
  type: z.literal('command.status'),
  ids: z.array(CommandId).min(1).max(MAX_STATUS_IDS),
});
export type CommandStatusMessage = z.infer<typeof CommandStatusMessage>;

/** Application-level heartbeat; the gateway echoes `t` in a pong at once. */
const PingMessage = z.object({ type: z.literal('ping'), t: z.number() });

export const ClientMessage = z.discriminatedUnion('type', [
  HelloMessage,
  CommandMessage,
  CommandStatusMessage,
  PingMessage,
  // onsite console actions and WebRTC signaling (protocol/onsite.ts, protocol/signaling.ts)
  OnsiteMessage,
  MediaJoinMessage,
  MediaLeaveMessage,
  MediaStateMessage,
  SignalMessage,
  CollabMessage,
  // the open exam's images (protocol/exam-images.ts)
  ImageFetchMessage,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export const CLIENT_MESSAGE_TYPES: readonly string[] = [
  'hello',
  'command',
  'command.status',
  'ping',
  'onsite',
  'media.join',
  'media.leave',
  'media.state',
  'signal',
  'collab',
  'image.fetch',
];

// ---------------------------------------------------------------- gateway -> client

export const LinkPolicy = z.object({
  /** What the gateway does when an operator link is lost, in words for the failover banner. */
  onOperatorLoss: z.string(),
  /** Site fallback instructions (phone number, who to call). */
  fallbackInstructions: z.string(),
  /** Seconds before control returns to onsite staff after an operator link loss. */
  controlGraceS: z.number(),
});
export type LinkPolicy = z.infer<typeof LinkPolicy>;

export const WelcomeMessage = z.object({
  type: z.literal('welcome'),
  version: z.number().int(),
  session: z.object({ id: z.string(), role: Role, name: z.string(), userId: z.string().optional() }),
  /** Per-session secret for the next hello after a link loss (hello.resumeSecret); keep it in memory only. */
  resumeSecret: ResumeSecret.optional(),
  /** Random per gateway process: sequence numbers count within one boot (see hello.resumeBootId). */
  bootId: z.string().min(1).max(64),
  heartbeat: z.object({ intervalMs: z.number().int().positive() }),
  policy: LinkPolicy,
  snapshot: ScannerSnapshot,
  /** Sequence number of the last event included in `snapshot`. */
  lastSeq: z.number().int().min(0),
});
export type WelcomeMessage = z.infer<typeof WelcomeMessage>;

const RefusedMessage = z.object({ type: z.literal('refused'), code: z.string(), reason: z.string() });

export const AckMessage = z.object({
  type: z.literal('ack'),
  id: z.string(),
  outcome: CommandOutcome,
  code: z.string().nullable(),
  reason: z.string().nullable(),
});
export type AckMessage = z.infer<typeof AckMessage>;

/** One id of a `command.status`: `known` false = the gateway never received it, it was not applied. */
export const CommandStatus = z.object({
  id: z.string(),
  known: z.boolean(),
  outcome: CommandOutcome.optional(),
  code: z.string().nullable().optional(),
  reason: z.string().nullable().optional(),
});
export type CommandStatus = z.infer<typeof CommandStatus>;

export const CommandStatusResultMessage = z.object({
  type: z.literal('command.status.result'),
  results: z.array(CommandStatus).max(MAX_STATUS_IDS),
});
export type CommandStatusResultMessage = z.infer<typeof CommandStatusResultMessage>;

export const NoticeLevel = z.enum(['info', 'warning', 'alarm']);
export type NoticeLevel = z.infer<typeof NoticeLevel>;

/**
 * What an alarm notice is about, so that a client sorts and words it (a desk's alarm bar) without
 * reading it out of the notice's text; docs/architecture.md "Safety rules" 4 and 5, and
 * `help.call` under "Collaboration".
 */
export const NoticeAlarm = z.object({
  kind: z.enum(['emergency-stop', 'help-call', 'operator-loss']),
  /** The text after its opening words ("EMERGENCY STOP", "HELP CALLED"): who, what happened, why. */
  detail: z.string(),
  /** Who raised it: the onsite person (emergency stop, call for help), or the operator whose link was lost. */
  by: z.string().optional(),
  /** Why, in the words of whoever raised it, when they gave a reason. */
  reason: z.string().optional(),
  /** An emergency stop's: whether an acquisition was running, and was stopped. */
  scanStopped: z.boolean().optional(),
  /**
   * When it was first raised (ISO 8601), on an alarm that no one had seen when the gateway
   * stopped, raised again by the gateway that started next on its data directory.
   */
  raisedAt: z.string().optional(),
  /**
   * On an alarm raised again after a restart: the gateway boot (the welcome's `bootId`) and `seq`
   * of the notice that first raised it, however many restarts ago. A client that showed that
   * notice knows it for the same alarm, now under this boot's number.
   */
  firstRaised: z.object({ bootId: z.string().min(1).max(64), seq: z.number().int().positive() }).optional(),
});
export type NoticeAlarm = z.infer<typeof NoticeAlarm>;

/**
 * On the notice that says someone has seen an alarm: which alarm (its notice's `seq`, in this
 * gateway's boot) and who saw it. Onsite staff who called for help learn that the call was seen.
 */
export const NoticeSeen = z.object({ seq: z.number().int().positive(), by: z.string() });
export type NoticeSeen = z.infer<typeof NoticeSeen>;

/** `alarm` only on an alarm of the safety rules: other alarm-level notices (an onsite console not responding) have none. */
const NoticeEventBody = z.object({
  kind: z.literal('notice'),
  level: NoticeLevel,
  text: z.string(),
  alarm: NoticeAlarm.optional(),
  seen: NoticeSeen.optional(),
});

/**
 * Someone was welcomed, or left, and nothing else changed: the snapshot's participants change by
 * one. A whole snapshot per arrival would send every session the whole list each time, so a
 * class joining would cost the square of its size (docs/architecture.md "Wire protocol").
 */
const ParticipantJoinedBody = z.object({ kind: z.literal('participant.joined'), participant: Participant });
const ParticipantLeftBody = z.object({ kind: z.literal('participant.left'), sessionId: z.string() });
type ParticipantChange = z.infer<typeof ParticipantJoinedBody> | z.infer<typeof ParticipantLeftBody>;

/**
 * Participants a client keeps of a snapshot: every session a gateway holds by default, everyone
 * together (docs/architecture.md "Wire protocol", "Connections": 2,048), so only a gateway that
 * lists more than it can hold loses any. Unbounded, a gateway announcing arrivals in a loop had
 * the workstation copy an ever longer list per arrival: 40,000 took it 48 s to take, 3.6 s with
 * this bound (gateway, relay and workstation core in one process).
 */
export const MAX_PARTICIPANTS_KEPT = 2048;

/**
 * `snapshot` with at most `keep` participants: the newest, and always the client's own session
 * (`me`) and the control holder, whose rows a technologist acts on.
 */
export function boundedParticipants(snapshot: ScannerSnapshot, me: string | null, keep = MAX_PARTICIPANTS_KEPT): ScannerSnapshot {
  const all = snapshot.participants;
  if (all.length <= keep) return snapshot;
  const always = (p: Participant) => p.sessionId === me || p.sessionId === snapshot.control.holderSessionId;
  const room = keep - all.filter(always).length;
  let others = 0;
  const kept: Participant[] = [];
  for (let i = all.length - 1; i >= 0; i--) {
    const p = all[i]!;
    if (always(p) || others++ < room) kept.push(p);
  }
  return { ...snapshot, participants: kept.reverse() };
}

/** The snapshot after a participant change (one welcomed twice, by a replay, is listed once). */
export function withParticipantChange(snapshot: ScannerSnapshot, change: ParticipantChange): ScannerSnapshot {
  const others = snapshot.participants.filter((p) => p.sessionId !== (change.kind === 'participant.joined' ? change.participant.sessionId : change.sessionId));
  return { ...snapshot, participants: change.kind === 'participant.joined' ? [...others, change.participant] : others };
}

export const GatewayEventBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('scanner'), snapshot: ScannerSnapshot }),
  ParticipantJoinedBody,
  ParticipantLeftBody,
  NoticeEventBody,
  ...CollabEventBodies,
]);
export type GatewayEventBody = z.infer<typeof GatewayEventBody>;

/** Sequenced gateway event; `seq` grows by one per event for the life of the gateway. */
export const EventMessage = z.object({
  type: z.literal('event'),
  seq: z.number().int().positive(),
  at: z.string(),
  body: GatewayEventBody,
});
export type EventMessage = z.infer<typeof EventMessage>;

/** An event that is a notice. */
const NoticeEventMessage = EventMessage.extend({ body: NoticeEventBody });
export type NoticeEventMessage = z.infer<typeof NoticeEventMessage>;

/** The notices a `notice.history` carries at most (the gateway keeps this many, newest). */
export const MAX_NOTICE_HISTORY = 100;

/**
 * The notices of this gateway boot before a welcome with a fresh snapshot, oldest first, sent
 * right after that welcome (never after a replay, which brings them as events): an onsite
 * console opened or reloaded mid-exam shows what happened, and who saw which alarm; a call for
 * help that no one has seen reaches the technologist who connects next
 * (docs/architecture.md "Wire protocol"). Their `seq` are at most the welcome's `lastSeq`.
 */
export const NoticeHistoryMessage = z.object({
  type: z.literal('notice.history'),
  events: z.array(NoticeEventMessage).max(MAX_NOTICE_HISTORY),
});
export type NoticeHistoryMessage = z.infer<typeof NoticeHistoryMessage>;

const PongMessage = z.object({ type: z.literal('pong'), t: z.number() });

export const ErrorMessage = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
});
export type ErrorMessage = z.infer<typeof ErrorMessage>;

export const GatewayMessage = z.discriminatedUnion('type', [
  WelcomeMessage,
  RefusedMessage,
  AckMessage,
  CommandStatusResultMessage,
  EventMessage,
  NoticeHistoryMessage,
  PongMessage,
  ErrorMessage,
  MediaRoomMessage,
  MediaMemberMessage,
  SignalRelayMessage,
  MediaRefusedMessage,
  CollabStateMessage,
  ExamCatalogueMessage,
  ImageFetchResultMessage,
]);
export type GatewayMessage = z.infer<typeof GatewayMessage>;
