/**
 * What one peer may cost the gateway on its HTTP(S) and WebSocket port, in one table: open
 * connections per address and in all, the time to send request headers (socket-guard.ts), a
 * per-connection message rate (token bucket), a per-address WebSocket session count, and every
 * per-session rate a handler holds its messages to (commands, onsite actions, shared actions,
 * image fetches, seals, signal bytes). Handlers are handed their buckets (SessionRates), built
 * from this table in gateway.ts. Repeated refusals are written down folded, one row with a count
 * per kind and window (audit/folded-repeats.ts).
 */

import { MAX_FRAME_BYTES } from '../../protocol/index.js';

export interface LinkLimits {
  /** Sustained messages per second one connection may send (heartbeats are 4/s). */
  messagesPerSecond: number;
  /** Messages one connection may send at once above the sustained rate. */
  messageBurst: number;
  /** Open WebSocket sessions from one network address (a training class of 22 on one host fits). */
  connectionsPerAddress: number;
  /**
   * Greeted sessions of one signed-in account. A technologist has one workstation session per
   * gateway, and a second while a lost link is still being noticed; without a bound, one
   * credential from many addresses could take every session the gateway has.
   */
  sessionsPerAccount: number;
  /**
   * Sessions one signed-in account may start (hellos after its credential is verified) per
   * second, and at once above that. Each welcome is announced to every client (a participant
   * joined, and left when it ends) and audited; a workstation waits 1.5 s or more between
   * attempts to reconnect (protocol/health.ts RECONNECT_POLICY). An observer's account saying
   * hello in a loop started 600 sessions a second: 1,200 participant events a second to every
   * workstation, each written to its journal, and 1,800 audit rows a second here. One over the
   * rate is refused (ErrorCode.RATE_LIMITED), folded by address; a client tries again later
   * (protocol/errors.ts LATER_REFUSALS).
   */
  sessionStartsPerSecond: number;
  sessionStartBurst: number;
  /**
   * Sign-ins one account may try (`POST /auth/sign-in`) per second, and at once above that,
   * whatever their outcome (gateway/accounts/password-sign-in.ts). Each costs a password hash on
   * a worker thread and an audit row, and each accepted one a session credential remembered
   * while it is used; a technologist signs in once per gateway and shift, and a workstation
   * keeps its credential for reconnects. Failures are held back on their own, and harder
   * (sign-in-throttle.ts); this bounds a correct password sent in a loop. The same rate holds
   * for each person signing in at the hospital's provider (gateway/auth/oidc/oidc-routes.ts
   * `holdSignIn`), which sends someone signed in there straight back with a new code. One over
   * the rate is refused (ErrorCode.SIGN_IN_THROTTLED, with the seconds to wait), folded by address.
   */
  signInsPerSecond: number;
  signInBurst: number;
  /**
   * Open TCP connections from one network address, whatever they carry: its WebSocket sessions
   * and a browser's page requests beside them.
   */
  socketsPerAddress: number;
  /** Open TCP connections from everyone: each holds a file descriptor, as do the database and the spool. */
  maxSockets: number;
  /**
   * Time for a connection to send its request headers, or to finish its TLS handshake. A browser
   * sends them at once; a peer that trickles them a line at a time ("slowloris") holds its
   * socket only this long.
   */
  headersTimeoutMs: number;
  /**
   * Time for a WebSocket session to send its hello. A workstation sends it as soon as the link is
   * open; a connection that never does (pinging only, which needs no account) would otherwise
   * hold one of its address's sessions, and a file descriptor, for as long as it liked.
   */
  helloTimeoutMs: number;
  /**
   * Chat lines, marks and proposals one session may add per second, and at once above that:
   * each goes to every client and into the audit trail (gateway/collaboration/collaboration-desk.ts).
   */
  sharedActionsPerSecond: number;
  sharedActionBurst: number;
  /**
   * `image.fetch` requests one session may make per second, and at once above that. Each is
   * answered at once with every asked-for image the gateway does not hold (up to 480 ids), so a
   * client asking in a loop and reading nothing had the gateway queue replies by the megabyte.
   * A workstation asks after a resume, a few requests of up to 480 images each.
   */
  imageFetchesPerSecond: number;
  imageFetchBurst: number;
  /**
   * Commands one session may send per second, and at once above that, and onsite actions one
   * console may take (gateway/server/onsite-handler.ts): each is a click of the technologist's (a
   * queue edit, a start, a stop), and a workstation resends after a lost link
   * only the few still unanswered. Each answered writes its outcome and an audit row, each made
   * durable before the ack: 3,000 sent at once held the gateway's event loop 1.5 s, every other
   * link's heartbeat with it. One over the rate is refused (ErrorCode.RATE_LIMITED), not stored
   * (it never ran; the same id sent later is judged afresh), audited folded.
   */
  commandsPerSecond: number;
  commandBurst: number;
  /**
   * Unknown command ids one session may seal (`command.status`) per second, and at once above
   * that (gateway/server/command-handler.ts). A workstation asks about the few commands a crash
   * or a lost link left pending, once per connection; each sealed id is a stored row, so an
   * operator's session asking about new ids in a loop would otherwise write as fast as it could
   * send.
   */
  commandSealsPerSecond: number;
  commandSealBurst: number;
  /**
   * Signal bytes one member of the call may have relayed per second, and at once above that
   * (gateway/server/media-relay.ts). A member joining a full call sends each peer an offer or
   * answer (a few kilobytes of SDP) and some ten ICE candidates of about 200 bytes: some 200 KB
   * for 31 peers at once. Each signal goes to one member, who cannot refuse it: at the
   * per-connection message rate, 1,000 signals of 48 KB a second, a member could have the
   * gateway queue 48 MB a second toward another (an observer toward the operator), and the
   * operator's link cut for the backlog.
   */
  signalBytesPerSecond: number;
  signalByteBurst: number;
  /** Repeated refusals of one kind from one session are written as one row per window. */
  refusalAuditWindowMs: number;
  /**
   * Bytes queued for one client and not yet taken by it (`bufferedAmount`) beyond which its link
   * is cut. A client that stops reading, but keeps pinging, would otherwise keep every frame
   * sent since alive in the gateway, images included, long after the resume buffer let them go.
   */
  sendBacklogBytes: number;
  /**
   * How long a client may take nothing of what waits for it (over 1 MiB) before its link is cut
   * (send-progress.ts): a client that reads nothing but keeps pinging is cut in this time
   * however small the messages are.
   */
  sendStallMs: number;
  /**
   * How far behind a client may fall, the oldest byte waiting for it (over 1 MiB) this old,
   * before its link is cut (send-progress.ts `behindMs`): a client that takes a little now and
   * then is bounded in time too, not only by `sendBacklogBytes`. Cut, it resumes, with a fresh
   * snapshot where the replay would be too large: a scanner state a minute old helps no one.
   */
  sendLagMs: number;
  /**
   * The largest message the gateway sends: what every client accepts (protocol/version.ts
   * MAX_FRAME_BYTES). A larger one is not sent but audited (ErrorCode.MESSAGE_UNDELIVERABLE):
   * sent, the client would close with 1009, resume, and be sent the same again.
   */
  sendMessageBytes: number;
}

/**
 * A resume replays at most 64 MB of images at once (event-buffer.ts REPLAY_REBUILD_BYTES): the
 * backlog limit is twice that, so a replay alone never trips it and a resumed link is not cut
 * again for taking its replay. A training class's observer that falls a few seconds behind
 * stays well below it (at 20 images a second of 512x512 MR, 128 MB is about 20 seconds).
 */
const SEND_BACKLOG_BYTES = 128 * 1024 * 1024;

export const DEFAULT_LINK_LIMITS: LinkLimits = {
  messagesPerSecond: 1000,
  messageBurst: 2000,
  connectionsPerAddress: 64,
  sessionsPerAccount: 8,
  sessionStartsPerSecond: 1,
  sessionStartBurst: 30,
  signInsPerSecond: 0.2,
  signInBurst: 30,
  socketsPerAddress: 256,
  maxSockets: 2048,
  headersTimeoutMs: 10_000,
  helloTimeoutMs: 10_000,
  refusalAuditWindowMs: 10_000,
  sharedActionsPerSecond: 10,
  sharedActionBurst: 30,
  imageFetchesPerSecond: 10,
  imageFetchBurst: 30,
  commandsPerSecond: 20,
  commandBurst: 60,
  commandSealsPerSecond: 10,
  commandSealBurst: 500,
  signalBytesPerSecond: 256 * 1024,
  signalByteBurst: 2 * 1024 * 1024,
  sendBacklogBytes: SEND_BACKLOG_BYTES,
  // A workstation stops reading while its decoder catches up (main/core/workstation-core.ts
  // IMAGE_BACKLOG_BYTES, a few seconds of decoding at most); 30 s is far beyond that.
  sendStallMs: 30_000,
  // A training class's slowest observer fell 15 s behind at p99 in the worst run measured, its
  // process starved (README "Images under load"); a minute is four times that.
  sendLagMs: 60_000,
  sendMessageBytes: MAX_FRAME_BYTES,
};

/** Token bucket (tokens refill continuously at `rate` per second up to `burst`). */
export class MessageRate {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** True when `count` more may be handled; false when they are over the rate and must be refused (none is taken then). */
  take(now = Date.now(), count = 1): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }
}

/**
 * A MessageRate per key (a signed-in account), made at its first use. Past `maxKeys` the least
 * recently used goes: one unused for `burst / perSecond` seconds is full again anyway, as a new
 * one would be.
 */
export class KeyedRates {
  private readonly rates = new Map<string, MessageRate>();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly maxKeys = 4096,
  ) {}

  /** What a refusal tells to wait, in whole seconds: the time the rate takes to allow one more. */
  get retryAfterS(): number {
    return Math.ceil(1 / this.perSecond);
  }

  /** True when one more may be handled for `key` now (see MessageRate.take). */
  take(key: string, now = Date.now()): boolean {
    let rate = this.rates.get(key);
    // Taken out and put back: a Map iterates in insertion order, least recently used first.
    if (rate) this.rates.delete(key);
    else rate = new MessageRate(this.perSecond, this.burst, now);
    this.rates.set(key, rate);
    if (this.rates.size > this.maxKeys) this.rates.delete(this.rates.keys().next().value!);
    return rate.take(now);
  }
}

/** A MessageRate per session, made at its first use; gone with the session (a WeakMap). */
export class SessionRates {
  private readonly rates = new WeakMap<object, MessageRate>();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {}

  /** Why one over the rate is refused: `what` is what is counted ("commands"). */
  overRate(what: string): string {
    return `more than ${this.perSecond} ${what} a second: try again in a moment`;
  }

  /** True when `count` more may be handled for this session now (see MessageRate.take). */
  take(session: object, count = 1, now = Date.now()): boolean {
    let rate = this.rates.get(session);
    if (!rate) this.rates.set(session, (rate = new MessageRate(this.perSecond, this.burst, now)));
    return rate.take(now, count);
  }
}
