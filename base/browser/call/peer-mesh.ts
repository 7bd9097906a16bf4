import {
  exchangesMedia,
  mediaHealthReason,
  offersTo,
  type IceCandidate,
  type MediaGatewayMessage,
  type MediaMember,
  type MediaRoomMessage,
  type MediaState,
  type SessionDescription,
} from '../../../protocol/signaling.js';
import type { LocalMedia } from './local-media.js';
import { keepsIncomingTrack } from './incoming-track.js';
import { QualitySampler, type QualitySample } from './quality.js';
import type { SignalingPort } from './signaling-port.js';

/** No decoded frame for this long while the peer says its camera is on: the pane says so. */
const NO_FRAMES_AFTER_MS = 4000;
/** ICE 'disconnected' this long (a network change) triggers an ICE restart. */
const RESTART_AFTER_DISCONNECTED_MS = 1500;
/**
 * A connection not connected for this long (new, restarting, or closed under us) is thrown away
 * and built again: with sampling every second, a stalled call is rebuilding within 5 s.
 */
const REBUILD_AFTER_MS = 2500;
const SAMPLE_EVERY_MS = 1000;
/** "Hears" means audio measured arriving within this window (inbound bytes and a non-zero level). */
const HEARD_WINDOW_MS = 2000;
/** Audio power (mean audioLevel squared) above which a sample counts as sound, not silence. */
const AUDIBLE_POWER = 1e-7;

type PeerHealth = 'connecting' | 'ok' | 'degraded' | 'failed';

export interface PeerView {
  sessionId: string;
  role: MediaMember['role'];
  name: string;
  /** What the peer publishes about its own media. */
  state: MediaState;
  stream: MediaStream;
  connection: RTCPeerConnectionState;
  ice: RTCIceConnectionState;
  health: PeerHealth;
  /** Why it is not ok, in words for the pane. */
  problem: string | null;
  quality: QualitySample | null;
  /** When the first frame was decoded (performance.now()), for the benchmark. */
  firstFrameAt: number | null;
  iceRestarts: number;
  /** Times this connection was thrown away and built again. */
  rebuilds: number;
  /** Audio from this peer was measured arriving within HEARD_WINDOW_MS. */
  heard: boolean;
}

interface Peer {
  view: PeerView;
  member: MediaMember;
  pc: RTCPeerConnection;
  /** Makes the first offer (the later member of the pair, protocol/signaling.ts offersTo). */
  initiator: boolean;
  /** Perfect negotiation (W3C WebRTC 1.0, section 10.7): on glare the impolite peer ignores the other's offer, the polite one yields. */
  polite: boolean;
  makingOffer: boolean;
  ignoreOffer: boolean;
  pendingCandidates: IceCandidate[];
  sampler: QualitySampler;
  lastFrames: number;
  lastFrameProgressAt: number;
  disconnectedSince: number | null;
  /** Since when this connection has not been connected (null while connected). */
  downSince: number | null;
  heardAt: number | null;
  /** Last sample with inbound bytes (audio or video). */
  lastInboundAt: number;
}

/**
 * The call: one RTCPeerConnection per remote member this side exchanges media with, driven by
 * the gateway's room messages. The later of a pair makes the first offer (protocol/signaling.ts
 * offersTo); after that either side may renegotiate (an ICE restart), and offers that cross are
 * settled by perfect negotiation: the later member is impolite and ignores the colliding offer,
 * the earlier one is polite and yields (by a fresh connection rather than a rollback, see
 * applyDescription), so glare cannot wedge the call. A connection that stays down
 * (ICE failed, never connected, closed under us) is rebuilt from scratch by the initiator, and
 * the other side rebuilds when that fresh offer cannot apply to its old connection. A
 * receive-only side (observer, or no camera/microphone) offers recvonly transceivers and answers
 * without tracks, so it never sends.
 */
export class PeerMesh {
  private readonly peers = new Map<string, Peer>();
  private room: MediaRoomMessage | null = null;
  /** The gateway did not take this side's join (the call is full, joins too fast), until a room lists it. */
  private refusal: { code: string; reason: string } | null = null;
  private readonly unsubscribe: () => void;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly untrack: (() => void) | null;
  private closed = false;
  readonly joinedAt = performance.now();

  constructor(
    private readonly port: SignalingPort,
    private readonly local: LocalMedia | null,
    private readonly onChange: () => void,
  ) {
    this.unsubscribe = port.subscribe((m) => void this.receive(m));
    this.timer = setInterval(() => void this.sampleAll(), SAMPLE_EVERY_MS);
    this.untrack = local?.onTrackReplaced((kind, track) => this.replaceTrack(kind, track)) ?? null;
  }

  get selfId(): string | null {
    return this.room?.self ?? null;
  }

  get members(): MediaMember[] {
    return this.room?.members ?? [];
  }

  /** Why this side is not in the call, when the gateway refused its join. */
  get refused(): { code: string; reason: string } | null {
    return this.refusal;
  }

  views(): PeerView[] {
    return [...this.peers.values()].map((p) => p.view);
  }

  /** Session ids whose audio was measured arriving in the last HEARD_WINDOW_MS, sorted. */
  heard(): string[] {
    return [...this.peers.values()]
      .filter((p) => p.view.heard)
      .map((p) => p.view.sessionId)
      .sort();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.untrack?.();
    clearInterval(this.timer);
    for (const peer of this.peers.values()) peer.pc.close();
    this.peers.clear();
  }

  private async receive(message: MediaGatewayMessage): Promise<void> {
    if (this.closed) return;
    if (message.type === 'media.refused') {
      this.refusal = { code: message.code, reason: message.reason };
      this.onChange();
      return;
    }
    if (message.type === 'media.room') return this.applyRoom(message);
    if (message.type === 'media.member') return this.applyMember(message.member);
    const peer = this.peers.get(message.from);
    if (!peer) return; // a signal from someone no longer (or not yet) in our room view
    try {
      if (message.description?.type === 'offer' && isFromAnotherConnection(peer, message.description)) {
        // The other side rebuilt its connection (RFC 4566 5.2: a new o= session id is a new
        // session); ours cannot continue it, so start a fresh one and answer on that.
        await this.applyDescription(this.rebuild(peer, false), message.description);
        return;
      }
      if (message.description) await this.applyDescription(peer, message.description);
      else if (message.candidate) await this.applyCandidate(peer, message.candidate);
    } catch (err) {
      if (message.description?.type === 'offer' && this.peers.get(message.from) === peer && !this.closed) {
        // A fresh offer from a rebuilt connection does not fit our old one (new DTLS identity),
        // or ours was closed under us: build a new connection and answer on it.
        const fresh = this.rebuild(peer, false);
        try {
          await this.applyDescription(fresh, message.description);
          return;
        } catch (again) {
          this.fail(fresh, `signaling error: ${(again as Error).message}`);
          return;
        }
      }
      this.fail(peer, `signaling error: ${(err as Error).message}`);
    }
  }

  private applyRoom(room: MediaRoomMessage): void {
    const selfChanged = this.room?.self !== room.self;
    this.room = room;
    const me = room.members.find((m) => m.sessionId === room.self);
    if (!me) return;
    this.refusal = null;
    const wanted = new Map(room.members.filter((m) => m.sessionId !== room.self && exchangesMedia(me.role, m.role)).map((m) => [m.sessionId, m]));
    for (const [id, peer] of this.peers) {
      if (!wanted.has(id) || selfChanged) {
        peer.pc.close();
        this.peers.delete(id);
      }
    }
    for (const member of wanted.values()) {
      const existing = this.peers.get(member.sessionId);
      const initiator = offersTo(room.members, room.self, member.sessionId);
      if (!existing) {
        this.connect(member, initiator, room);
        continue;
      }
      existing.member = member;
      // Who offers follows the room's order. It changes when a member joins again on the same
      // session (a new window on a link its shell kept): that member is now the later of the
      // pair and makes a fresh offer, so our connection to it goes, with any offer of ours it
      // never answered; kept, both sides would be impolite and ignore each other's offers for ever.
      if (existing.initiator !== initiator) this.rebuild(existing, initiator);
      else existing.view = { ...existing.view, state: member.state, name: member.name };
    }
    this.onChange();
  }

  /**
   * One member's new state (the gateway sends the whole room only when its membership changes):
   * the room keeps its order and everyone else, so no connection is added, dropped or rebuilt.
   * A member not in this side's room (its join not yet seen) waits for the room that brings it.
   */
  private applyMember(member: MediaMember): void {
    const room = this.room;
    if (!room) return;
    const at = room.members.findIndex((m) => m.sessionId === member.sessionId);
    if (at < 0) return;
    const members = room.members.slice();
    members[at] = member;
    this.room = { ...room, members };
    const peer = this.peers.get(member.sessionId);
    if (peer) {
      peer.member = member;
      peer.view = { ...peer.view, state: member.state, name: member.name };
    }
    this.onChange();
  }

  private connect(member: MediaMember, initiator: boolean, room: MediaRoomMessage, rebuilds = 0): Peer {
    const pc = new RTCPeerConnection({ iceServers: room.iceServers as RTCIceServer[] });
    const view: PeerView = {
      sessionId: member.sessionId,
      role: member.role,
      name: member.name,
      state: member.state,
      stream: new MediaStream(),
      connection: pc.connectionState,
      ice: pc.iceConnectionState,
      health: 'connecting',
      problem: null,
      quality: null,
      firstFrameAt: null,
      iceRestarts: 0,
      rebuilds,
      heard: false,
    };
    const now = performance.now();
    const peer: Peer = {
      view,
      member,
      pc,
      initiator,
      polite: !initiator,
      makingOffer: false,
      ignoreOffer: false,
      pendingCandidates: [],
      sampler: new QualitySampler(pc),
      lastFrames: 0,
      lastFrameProgressAt: now,
      disconnectedSince: null,
      downSince: now,
      heardAt: null,
      lastInboundAt: now,
    };
    this.peers.set(member.sessionId, peer);
    const current = () => this.peers.get(member.sessionId) === peer && !this.closed;
    pc.ontrack = (event) => {
      if (!current()) return;
      if (!keepsIncomingTrack(member.role, event.track)) {
        event.track.stop();
        return;
      }
      const stream = peer.view.stream;
      const sameKind = stream.getTracks().filter((t) => t.kind === event.track.kind);
      if (sameKind.length === 0) {
        stream.addTrack(event.track);
        peer.view = { ...peer.view };
      } else {
        // A renegotiation (glare resolved by rollback) can bring a new receiver: show the newest
        // track of each kind, in a new stream so the <video> and <audio> elements rebind.
        const others = stream.getTracks().filter((t) => t.kind !== event.track.kind);
        peer.view = { ...peer.view, stream: new MediaStream([...others, event.track]) };
      }
      this.onChange();
    };
    pc.onicecandidate = (event) => {
      if (event.candidate && current()) this.port.send({ type: 'signal', to: member.sessionId, candidate: event.candidate.toJSON() as IceCandidate });
    };
    pc.onconnectionstatechange = () => current() && this.stateChanged(peer);
    pc.oniceconnectionstatechange = () => current() && this.stateChanged(peer);
    // Every offer, first or renegotiation (ICE restart, a track added), comes from here.
    pc.onnegotiationneeded = async () => {
      if (!current()) return;
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        const offer = pc.localDescription;
        if (offer && offer.type === 'offer' && current())
          this.port.send({ type: 'signal', to: member.sessionId, description: { type: 'offer', sdp: offer.sdp } });
      } catch (err) {
        if (current()) this.fail(peer, `could not make an offer: ${(err as Error).message}`);
      } finally {
        peer.makingOffer = false;
      }
    };
    if (initiator) {
      if (this.sends()) {
        for (const track of this.local!.stream.getTracks()) pc.addTrack(track, this.local!.stream);
      } else {
        pc.addTransceiver('audio', { direction: 'recvonly' });
        pc.addTransceiver('video', { direction: 'recvonly' });
      }
    }
    return peer;
  }

  /** Throw a connection away and start a new one with the same member. */
  private rebuild(old: Peer, initiator: boolean): Peer {
    old.pc.onnegotiationneeded = null;
    old.pc.close();
    const room = this.room!;
    const peer = this.connect(old.member, initiator, room, old.view.rebuilds + 1);
    this.onChange();
    return peer;
  }

  /** A side sends when it has local media; observers are given none. */
  private sends(): boolean {
    return this.local !== null && this.local.stream.getTracks().length > 0;
  }

  private async applyDescription(peer: Peer, description: SessionDescription): Promise<void> {
    const { pc } = peer;
    // Perfect negotiation: an offer that crosses ours is glare. The impolite side ignores it;
    // the polite side's setRemoteDescription rolls its own offer back implicitly.
    const collision = description.type === 'offer' && (peer.makingOffer || pc.signalingState !== 'stable');
    peer.ignoreOffer = !peer.polite && collision;
    if (peer.ignoreOffer) return;
    if (collision) {
      // The polite side yields. Rolling its offer back (setRemoteDescription's implicit
      // rollback) leaves Chromium's receivers decoding into tracks that no longer reach a
      // <video> (measured in tests/e2e/call-recovery.test.ts), so it yields by starting a fresh
      // connection instead: its offer carries a new session id, and the other side rebuilds to
      // answer it (isFromAnotherConnection). The roles swap, consistently on both sides.
      this.rebuild(peer, true);
      return;
    }
    if (description.type === 'answer' && pc.signalingState !== 'have-local-offer') return; // a stale answer to a rolled-back offer
    await pc.setRemoteDescription(description);
    for (const c of peer.pendingCandidates.splice(0)) await pc.addIceCandidate(c).catch(() => undefined);
    if (description.type === 'answer') return;
    if (this.sends()) {
      // Attach our tracks to the transceivers the offer created: the answer then sends.
      for (const transceiver of pc.getTransceivers()) {
        const kind = transceiver.receiver.track.kind as 'audio' | 'video';
        const track = kind === 'audio' ? this.local!.audio : this.local!.video;
        if (track && !transceiver.sender.track) {
          await transceiver.sender.replaceTrack(track);
          transceiver.sender.setStreams?.(this.local!.stream);
          transceiver.direction = 'sendrecv';
        }
      }
    }
    await pc.setLocalDescription();
    const answer = pc.localDescription;
    if (answer) this.port.send({ type: 'signal', to: peer.view.sessionId, description: { type: 'answer', sdp: answer.sdp } });
  }

  private async applyCandidate(peer: Peer, candidate: IceCandidate): Promise<void> {
    if (!peer.pc.remoteDescription) {
      peer.pendingCandidates.push(candidate);
      return;
    }
    try {
      await peer.pc.addIceCandidate(candidate);
    } catch (err) {
      // Candidates of an offer we ignored in glare do not fit: expected, not a failure.
      if (!peer.ignoreOffer) throw err;
    }
  }

  private replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): void {
    for (const peer of this.peers.values()) {
      for (const sender of peer.pc.getSenders()) {
        if (sender.track?.kind === kind) void sender.replaceTrack(track);
      }
    }
  }

  private stateChanged(peer: Peer): void {
    const { pc } = peer;
    peer.view = { ...peer.view, connection: pc.connectionState, ice: pc.iceConnectionState };
    if (pc.iceConnectionState === 'disconnected') peer.disconnectedSince ??= performance.now();
    else peer.disconnectedSince = null;
    const connected = pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed';
    if (connected) peer.downSince = null;
    else peer.downSince ??= performance.now();
    if (pc.iceConnectionState === 'failed' || pc.connectionState === 'failed') {
      this.fail(peer, 'call lost: no network path to the other side; calling again');
      if (peer.initiator) this.rebuild(peer, true);
    } else if (connected) {
      if (peer.view.health === 'failed' || peer.view.health === 'connecting') peer.view = { ...peer.view, health: 'ok', problem: null };
    }
    this.onChange();
  }

  /** ICE restart (RFC 8445 section 9) after a network change: its offer comes through onnegotiationneeded. */
  private restartIce(peer: Peer): void {
    if (!peer.initiator) return;
    peer.view = { ...peer.view, iceRestarts: peer.view.iceRestarts + 1 };
    peer.pc.restartIce();
  }

  private fail(peer: Peer, problem: string): void {
    peer.view = { ...peer.view, health: 'failed', problem };
    this.onChange();
  }

  private async sampleAll(): Promise<void> {
    const now = performance.now();
    for (const peer of [...this.peers.values()]) {
      if (this.closed) return;
      if (this.peers.get(peer.view.sessionId) !== peer) continue;
      // Down too long (never connected, restarting without success, or closed under us): rebuild.
      const closedUnderUs = peer.pc.connectionState === 'closed' || peer.pc.signalingState === 'closed';
      if (closedUnderUs) {
        peer.downSince ??= now;
        peer.view = { ...peer.view, health: 'failed', problem: 'the connection closed', heard: false };
      }
      // A connection closed under us cannot come back: the initiator rebuilds at once.
      if (peer.downSince !== null && (now - peer.downSince > REBUILD_AFTER_MS || (closedUnderUs && peer.initiator))) {
        if (peer.initiator) {
          this.rebuild(peer, true);
          continue;
        }
        peer.view = {
          ...peer.view,
          health: 'failed',
          problem: `no connection for ${Math.round((now - peer.downSince) / 1000)} s: waiting for the other side to rebuild it`,
          heard: false,
        };
      }
      if (closedUnderUs) continue;
      let quality: QualitySample;
      try {
        quality = await peer.sampler.sample();
      } catch {
        continue;
      }
      if (quality.kbps !== null && quality.kbps > 0) peer.lastInboundAt = now;
      const remoteSends = peer.view.role !== 'observer' && (peer.view.state.audio || peer.view.state.video);
      if (connectedNow(peer.pc) && remoteSends && now - peer.lastInboundAt > REBUILD_AFTER_MS) {
        // Connected on paper, yet nothing arrives from a side that says it sends: a stalled call.
        peer.lastInboundAt = now;
        if (peer.initiator) {
          this.rebuild(peer, true);
          continue;
        }
      }
      if (quality.audioBytes !== null && quality.audioBytes > 0 && quality.audioPower !== null && quality.audioPower > AUDIBLE_POWER) peer.heardAt = now;
      const heard = peer.heardAt !== null && now - peer.heardAt <= HEARD_WINDOW_MS && peer.downSince === null;
      if (quality.framesDecoded > peer.lastFrames) {
        peer.lastFrames = quality.framesDecoded;
        peer.lastFrameProgressAt = now;
        if (peer.view.firstFrameAt === null) peer.view = { ...peer.view, firstFrameAt: now };
      }
      let { health, problem } = peer.view;
      const connected = peer.pc.iceConnectionState === 'connected' || peer.pc.iceConnectionState === 'completed';
      const expectsVideo = peer.view.state.video && peer.view.role !== 'observer';
      if (peer.disconnectedSince !== null && now - peer.disconnectedSince > RESTART_AFTER_DISCONNECTED_MS) {
        health = 'degraded';
        problem = 'call interrupted: reconnecting';
        peer.disconnectedSince = now;
        this.restartIce(peer);
      } else if (connected && expectsVideo && now - peer.lastFrameProgressAt > NO_FRAMES_AFTER_MS) {
        health = 'failed';
        problem = `no video frames for ${Math.round((now - peer.lastFrameProgressAt) / 1000)} s`;
      } else if (connected && quality.lossPct !== null && quality.lossPct > 5) {
        health = 'degraded';
        problem = `packet loss ${quality.lossPct.toFixed(1)} %`;
      } else if (connected) {
        health = 'ok';
        problem = null;
      }
      peer.view = { ...peer.view, quality, health, problem, heard };
    }
    if (!this.closed) this.onChange();
  }
}

function connectedNow(pc: RTCPeerConnection): boolean {
  return pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed';
}

/** The o= session id of an SDP (RFC 4566 section 5.2), constant for the life of a connection. */
function sdpSessionId(sdp: string): string | null {
  return /^o=\S+ (\S+) /m.exec(sdp)?.[1] ?? null;
}

function isFromAnotherConnection(peer: Peer, offer: SessionDescription): boolean {
  const known = peer.pc.remoteDescription ? sdpSessionId(peer.pc.remoteDescription.sdp) : null;
  return known !== null && sdpSessionId(offer.sdp) !== known;
}

/** The worst health across the call, and why: what this side reports to the gateway. */
export function callHealth(views: readonly PeerView[]): { health: MediaState['health']; reason: string | null } {
  const failed = views.find((v) => v.health === 'failed');
  if (failed) return { health: 'failed', reason: mediaHealthReason(`${failed.name}: ${failed.problem}`) };
  const degraded = views.find((v) => v.health === 'degraded');
  if (degraded) return { health: 'degraded', reason: mediaHealthReason(`${degraded.name}: ${degraded.problem}`) };
  return { health: 'ok', reason: null };
}
