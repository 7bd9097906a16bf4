import { z } from 'zod';
import { observerSdpProblem } from './sdp-media.js';

/**
 * WebRTC signaling carried over the gateway link (no separate signaling server). The gateway
 * keeps a media room per site: the remote operator, the onsite console and observers. It relays
 * session descriptions and ICE candidates only between members whose roles may exchange media,
 * and accepts from observers only receive-only descriptions (they see and hear, never send).
 */

const SessionId = z.string().min(1).max(64);
const MediaRole = z.enum(['operator', 'observer', 'onsite']);

/** An RTCIceServer as the gateway hands it out (STUN/TURN for real networks; none on a LAN). */
export const IceServer = z.object({
  urls: z.union([z.string().max(256), z.array(z.string().max(256)).max(8)]),
  username: z.string().max(256).optional(),
  credential: z.string().max(256).optional(),
});
export type IceServer = z.infer<typeof IceServer>;

// Bounds on what a member publishes about its own media. The gateway hands every member's state
// to every other member, so each field has a byte bound, not only a character count: the largest
// state is some 700 bytes of JSON (RFC 8259), whatever its characters
// (tests/protocol/signaling.test.ts measures it).
/** Members a state may name as heard: the senders of a room (operator and onsite sessions). */
export const MEDIA_HEARS_MAX = 8;

/**
 * The call's bounds. Media flows peer to peer (a mesh, no media server): every sending member
 * (operator, onsite console) encodes and sends its camera and microphone to each observer on its
 * own, so each observer costs the senders' uplink and encoder, and every membership change sends
 * the whole room to every member. A training class is 20 observers; the other members are the
 * exam's operators and onsite consoles, a handful. A join past either bound is refused with
 * `media.refused` (LARMOR_E_MEDIA_ROOM_FULL); a client takes no room larger than the gateway may
 * send.
 */
export const MAX_MEDIA_OBSERVERS = 20;
export const MAX_MEDIA_MEMBERS = 32;
/** Characters of `healthReason` ("<peer name>: <problem>"); a longer reason is cut by its sender. */
export const MEDIA_HEALTH_REASON_MAX = 100;

/**
 * A session id as the gateway hands it out: a UUID (RFC 9562, 36 characters), or any shorter
 * run of the same characters. ASCII letters, digits and hyphens, so that it is as many bytes in
 * JSON as it is characters.
 */
const HeardSessionId = z.string().regex(/^[0-9A-Za-z-]{1,36}$/, 'a session id (a UUID: at most 36 letters, digits and hyphens)');

/**
 * Text without control characters (which JSON escapes to six bytes each, RFC 8259 section 7) and
 * without lone surrogates (escaped the same way by JSON.stringify, ECMA-262 QuoteJSONString):
 * each UTF-16 unit is then at most three bytes of UTF-8.
 */
const PlainText = z.string().regex(/^[^\p{Cc}\p{Cs}]*$/u, 'no control characters or lone surrogates');

/**
 * `text` as a `healthReason` the schema takes: control characters and lone surrogates made
 * U+FFFD, and cut to MEDIA_HEALTH_REASON_MAX with an ellipsis, never inside a surrogate pair.
 */
export function mediaHealthReason(text: string): string {
  const plain = text.replace(/[\p{Cc}\p{Cs}]/gu, '\ufffd');
  if (plain.length <= MEDIA_HEALTH_REASON_MAX) return plain;
  let cut = MEDIA_HEALTH_REASON_MAX - 1;
  if (/[\ud800-\udbff]/.test(plain[cut - 1]!)) cut--;
  return `${plain.slice(0, cut)}\u2026`;
}

/** What a member publishes about its own media, for the "who hears whom" indicator. */
export const MediaState = z.object({
  /** Microphone sending (not muted). */
  audio: z.boolean(),
  video: z.boolean(),
  /** Push-to-talk to the patient intercom is held: the patient hears the operator. */
  intercom: z.boolean(),
  /** The member's own judgement of its incoming media (no frames, ICE failed). */
  health: z.enum(['ok', 'degraded', 'failed']),
  healthReason: PlainText.max(MEDIA_HEALTH_REASON_MAX).nullable(),
  /**
   * Session ids whose audio this member measured arriving in the last 2 s (inbound bytes and a
   * non-zero audio level, from getStats): "who hears whom" is shown from this, not from intent.
   */
  hears: z.array(HeardSessionId).max(MEDIA_HEARS_MAX).optional(),
});
export type MediaState = z.infer<typeof MediaState>;

export const SessionDescription = z.object({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().max(48 * 1024),
});
export type SessionDescription = z.infer<typeof SessionDescription>;

export const IceCandidate = z.object({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
});
export type IceCandidate = z.infer<typeof IceCandidate>;

// ---------------------------------------------------------------- client -> gateway

export const MediaJoinMessage = z.object({ type: z.literal('media.join'), state: MediaState });
export const MediaLeaveMessage = z.object({ type: z.literal('media.leave') });
export const MediaStateMessage = z.object({ type: z.literal('media.state'), state: MediaState });
export const SignalMessage = z
  .object({
    type: z.literal('signal'),
    to: SessionId,
    description: SessionDescription.optional(),
    candidate: IceCandidate.optional(),
  })
  .refine((m) => (m.description === undefined) !== (m.candidate === undefined), 'a signal carries a description or a candidate');

export const MediaClientMessage = z.union([MediaJoinMessage, MediaLeaveMessage, MediaStateMessage, SignalMessage]);
export type MediaClientMessage = z.infer<typeof MediaClientMessage>;

// ---------------------------------------------------------------- gateway -> client

export const MediaMember = z.object({
  sessionId: SessionId,
  role: MediaRole,
  name: z.string(),
  state: MediaState,
});
export type MediaMember = z.infer<typeof MediaMember>;

/**
 * The room as it is now, sent to every member when its membership changes (a join or a leave).
 * Members are in join order; for a pair, the one that joined later makes the offer, so both sides
 * agree without glare.
 */
export const MediaRoomMessage = z.object({
  type: z.literal('media.room'),
  self: SessionId,
  iceServers: z.array(IceServer),
  members: z.array(MediaMember).max(MAX_MEDIA_MEMBERS),
});
export type MediaRoomMessage = z.infer<typeof MediaRoomMessage>;

/**
 * One member's new state, sent to every member after that member's `media.state`: the rest of
 * the room is as last sent. Sending the one member keeps a state change's cost in proportion to
 * the room, where the whole room to every member would grow with its square.
 */
export const MediaMemberMessage = z.object({
  type: z.literal('media.member'),
  member: MediaMember,
});
export type MediaMemberMessage = z.infer<typeof MediaMemberMessage>;

export const SignalRelayMessage = z.object({
  type: z.literal('signal'),
  from: SessionId,
  description: SessionDescription.optional(),
  candidate: IceCandidate.optional(),
});
export type SignalRelayMessage = z.infer<typeof SignalRelayMessage>;

/** A `media.join` not taken (the call is full, joins too fast): the sender is not in the call, and may ask again. */
export const MediaRefusedMessage = z.object({
  type: z.literal('media.refused'),
  code: z.string().max(64),
  reason: PlainText.max(500),
});
export type MediaRefusedMessage = z.infer<typeof MediaRefusedMessage>;

export const MediaGatewayMessage = z.discriminatedUnion('type', [MediaRoomMessage, MediaMemberMessage, SignalRelayMessage, MediaRefusedMessage]);
export type MediaGatewayMessage = z.infer<typeof MediaGatewayMessage>;

const MEDIA_GATEWAY_TYPES: ReadonlySet<string> = new Set(MediaGatewayMessage.options.map((option) => option.shape.type.value));

/** Whether a gateway message is one of the call's (MediaGatewayMessage): a client hands those to its peer connections as they are. */
export function isMediaGatewayMessage<T extends { type: string }>(message: T): message is T & MediaGatewayMessage {
  return MEDIA_GATEWAY_TYPES.has(message.type);
}

/** Roles that send media; observers only receive. */
export function sendsMedia(role: z.infer<typeof MediaRole>): boolean {
  return role !== 'observer';
}

/** Two members exchange media when their roles differ (operator-onsite, and either with an observer). */
export function exchangesMedia(a: z.infer<typeof MediaRole>, b: z.infer<typeof MediaRole>): boolean {
  return a !== b && (sendsMedia(a) || sendsMedia(b));
}

/** Of two members (in room order), the later one offers. */
export function offersTo(members: readonly MediaMember[], self: string, peer: string): boolean {
  return members.findIndex((m) => m.sessionId === self) > members.findIndex((m) => m.sessionId === peer);
}

/** True when an observer may send this description: see observerSdpProblem() for the rules. */
export function sdpIsReceiveOnly(sdp: string): boolean {
  return observerSdpProblem(sdp) === null;
}
