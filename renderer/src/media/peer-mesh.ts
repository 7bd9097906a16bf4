import {
  exchangesMedia,
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
export const NO_FRAMES_AFTER_MS = 4000;
/** ICE 'disconnected' this long (a network change) triggers an ICE restart. */
const RESTART_AFTER_DISCONNECTED_MS = 3000;
const SAMPLE_EVERY_MS = 1000;

export type PeerHealth = 'connecting' | 'ok' | 'degraded' | 'failed';

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
}

interface Peer {
  view: PeerView;
  pc: RTCPeerConnection;
  offerer: boolean;
  pendingCandidates: IceCandidate[];
  sampler: QualitySampler;
  lastFrames: number;
  lastFrameProgressAt: number;
  disconnectedSince: number | null;
}

/**
 * The call: one RTCPeerConnection per remote member this side exchanges media with, driven by
 * the gateway's room messages. The later of a pair offers (protocol/signaling.ts offersTo), so
 * there is no glare; the offerer also does ICE restarts after a network change. A receive-only
 * side (observer, or no camera/microphone) offers recvonly transceivers and answers without
 * tracks, so it never sends.
 */
export class PeerMesh {
  private readonly peers = new Map<string, Peer>();
  private room: MediaRoomMessage | null = null;
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

  views(): PeerView[] {
    return [...this.peers.values()].map((p) => p.view);
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
    if (message.type === 'media.room') return this.applyRoom(message);
    const peer = this.peers.get(message.from);
    if (!peer) return; // a signal from someone no longer (or not yet) in our room view
    try {
      if (message.description) await this.applyDescription(peer, message.description);
      else if (message.candidate) await this.applyCandidate(peer, message.candidate);
    } catch (err) {
      this.fail(peer, `signaling error: ${(err as Error).message}`);
    }
  }

  private applyRoom(room: MediaRoomMessage): void {
    const selfChanged = this.room?.self !== room.self;
    this.room = room;
    const me = room.members.find((m) => m.sessionId === room.self);
    if (!me) return;
    const wanted = new Map(room.members.filter((m) => m.sessionId !== room.self && exchangesMedia(me.role, m.role)).map((m) => [m.sessionId, m]));
    for (const [id, peer] of this.peers) {
      if (!wanted.has(id) || selfChanged) {
        peer.pc.close();
        this.peers.delete(id);
      }
    }
    for (const member of wanted.values()) {
      const existing = this.peers.get(member.sessionId);
      if (existing) {
        existing.view = { ...existing.view, state: member.state, name: member.name };
      } else {
        this.connect(member, offersTo(room.members, room.self, member.sessionId), room);
      }
    }
    this.onChange();
  }

  private connect(member: MediaMember, offerer: boolean, room: MediaRoomMessage): void {
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
    };
    const peer: Peer = { view, pc, offerer, pendingCandidates: [], sampler: new QualitySampler(pc), lastFrames: 0, lastFrameProgressAt: performance.now(), disconnectedSince: null };
    this.peers.set(member.sessionId, peer);
    pc.ontrack = (event) => {
      if (!keepsIncomingTrack(member.role, event.track)) {
        event.track.stop();
        return;
      }
      view.stream.addTrack(event.track);
      peer.view = { ...peer.view };
      this.onChange();
    };
    pc.onicecandidate = (event) => {
      if (event.candidate) this.port.send({ type: 'signal', to: member.sessionId, candidate: event.candidate.toJSON() as IceCandidate });
    };
    pc.onconnectionstatechange = () => this.stateChanged(peer);
    pc.oniceconnectionstatechange = () => this.stateChanged(peer);
    if (offerer) {
      if (this.sends()) {
        for (const track of this.local!.stream.getTracks()) pc.addTrack(track, this.local!.stream);
      } else {
        pc.addTransceiver('audio', { direction: 'recvonly' });
        pc.addTransceiver('video', { direction: 'recvonly' });
      }
      void this.offer(peer, false);
    }
  }

  /** A side sends when it has local media; observers are given none. */
  private sends(): boolean {
    return this.local !== null && this.local.stream.getTracks().length > 0;
  }

  private async offer(peer: Peer, iceRestart: boolean): Promise<void> {
    try {
      const offer = await peer.pc.createOffer(iceRestart ? { iceRestart: true } : undefined);
      await peer.pc.setLocalDescription(offer);
      this.port.send({ type: 'signal', to: peer.view.sessionId, description: { type: 'offer', sdp: offer.sdp ?? '' } });
    } catch (err) {
      this.fail(peer, `could not make an offer: ${(err as Error).message}`);
    }
  }

  private async applyDescription(peer: Peer, description: SessionDescription): Promise<void> {
    const { pc } = peer;
    await pc.setRemoteDescription(description);
    for (const c of peer.pendingCandidates.splice(0)) await pc.addIceCandidate(c);
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
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.port.send({ type: 'signal', to: peer.view.sessionId, description: { type: 'answer', sdp: answer.sdp ?? '' } });
  }

  private async applyCandidate(peer: Peer, candidate: IceCandidate): Promise<void> {
    if (!peer.pc.remoteDescription) peer.pendingCandidates.push(candidate);
    else await peer.pc.addIceCandidate(candidate);
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
    if (pc.iceConnectionState === 'failed') {
      this.fail(peer, 'ICE failed: no network path to the other side');
      this.restartIce(peer);
    } else if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') {
      if (peer.view.health === 'failed' || peer.view.health === 'connecting') peer.view = { ...peer.view, health: 'ok', problem: null };
    }
    this.onChange();
  }

  /** The offerer restarts ICE (RFC 8445 section 9) after a network change; the answerer follows its new offer. */
  private restartIce(peer: Peer): void {
    if (!peer.offerer || peer.pc.signalingState !== 'stable') return;
    peer.view = { ...peer.view, iceRestarts: peer.view.iceRestarts + 1 };
    peer.pc.restartIce();
    void this.offer(peer, true);
  }

  private fail(peer: Peer, problem: string): void {
    peer.view = { ...peer.view, health: 'failed', problem };
    this.onChange();
  }

  private async sampleAll(): Promise<void> {
    const now = performance.now();
    for (const peer of this.peers.values()) {
      if (peer.pc.connectionState === 'closed') continue;
      let quality: QualitySample;
      try {
        quality = await peer.sampler.sample();
      } catch {
        continue;
      }
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
        problem = 'network path interrupted: restarting ICE';
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
      peer.view = { ...peer.view, quality, health, problem };
    }
    if (!this.closed) this.onChange();
  }
}

/** The worst health across the call, and why: what this side reports to the gateway. */
export function callHealth(views: readonly PeerView[]): { health: MediaState['health']; reason: string | null } {
  const failed = views.find((v) => v.health === 'failed');
  if (failed) return { health: 'failed', reason: `${failed.name}: ${failed.problem}` };
  const degraded = views.find((v) => v.health === 'degraded');
  if (degraded) return { health: 'degraded', reason: `${degraded.name}: ${degraded.problem}` };
  return { health: 'ok', reason: null };
}
