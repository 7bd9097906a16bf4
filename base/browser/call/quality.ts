/**
 * Call quality as the technologist sees it, from RTCPeerConnection.getStats() (W3C
 * webrtc-stats): inbound video resolution, frame rate, bitrate, packet loss and round-trip time,
 * plus the remote audio level. Rates are deltas between two samples.
 */
export interface QualitySample {
  at: number;
  width: number | null;
  height: number | null;
  fps: number | null;
  /** Inbound bitrate, audio and video together, kbit/s. */
  kbps: number | null;
  /** Packets lost over the last interval, percent of packets expected. */
  lossPct: number | null;
  rttMs: number | null;
  framesDecoded: number;
  /** Mean remote audio power over the last interval (0..1 scale of audioLevel squared). */
  audioPower: number | null;
  /** Inbound audio bytes over the last interval (null on the first sample). */
  audioBytes: number | null;
  /** Outgoing: what we send (null for observers). */
  sendWidth: number | null;
  sendHeight: number | null;
  sendFps: number | null;
  sendKbps: number | null;
  outgoingTracks: number;
}

interface Counters {
  at: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsLost: number;
  audioEnergy: number;
  audioDuration: number;
  audioBytesIn: number;
}

type Stat = Record<string, unknown> & { type: string; id: string };

export class QualitySampler {
  private last: Counters | null = null;

  constructor(private readonly pc: RTCPeerConnection) {}

  async sample(): Promise<QualitySample> {
    const report = await this.pc.getStats();
    const stats: Stat[] = [];
    report.forEach((s: Stat) => stats.push(s));
    // A renegotiation can leave an old receiver beside a new one: figures come from the one that
    // received last, counters are summed over all so they never go backwards.
    const inVideos = stats.filter((s) => s.type === 'inbound-rtp' && s.kind === 'video');
    const inAudios = stats.filter((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
    const inVideo = newest(inVideos);
    const outVideo = stats.find((s) => s.type === 'outbound-rtp' && s.kind === 'video');
    const pair = stats.find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
    const inbound = stats.filter((s) => s.type === 'inbound-rtp');
    const outbound = stats.filter((s) => s.type === 'outbound-rtp');
    const now: Counters = {
      at: performance.now(),
      bytesIn: sum(inbound, 'bytesReceived'),
      bytesOut: sum(outbound, 'bytesSent'),
      packetsIn: sum(inbound, 'packetsReceived'),
      packetsLost: sum(inbound, 'packetsLost'),
      audioEnergy: sum(inAudios, 'totalAudioEnergy'),
      audioDuration: sum(inAudios, 'totalSamplesDuration'),
      audioBytesIn: sum(inAudios, 'bytesReceived'),
    };
    const prev = this.last;
    this.last = now;
    const seconds = prev ? (now.at - prev.at) / 1000 : 0;
    const lost = prev ? now.packetsLost - prev.packetsLost : 0;
    const received = prev ? now.packetsIn - prev.packetsIn : 0;
    const audioSpan = prev ? now.audioDuration - prev.audioDuration : 0;
    return {
      at: Date.now(),
      width: num(inVideo?.frameWidth),
      height: num(inVideo?.frameHeight),
      fps: num(inVideo?.framesPerSecond),
      kbps: prev && seconds > 0 ? ((now.bytesIn - prev.bytesIn) * 8) / 1000 / seconds : null,
      lossPct: prev && lost + received > 0 ? (100 * Math.max(0, lost)) / (lost + received) : prev ? 0 : null,
      rttMs: num(pair?.currentRoundTripTime) === null ? null : num(pair?.currentRoundTripTime)! * 1000,
      framesDecoded: sum(inVideos, 'framesDecoded'),
      audioPower: prev && audioSpan > 0 ? (now.audioEnergy - prev.audioEnergy) / audioSpan : null,
      audioBytes: prev ? now.audioBytesIn - prev.audioBytesIn : null,
      sendWidth: num(outVideo?.frameWidth),
      sendHeight: num(outVideo?.frameHeight),
      sendFps: num(outVideo?.framesPerSecond),
      sendKbps: prev && seconds > 0 ? ((now.bytesOut - prev.bytesOut) * 8) / 1000 / seconds : null,
      outgoingTracks: this.pc.getSenders().filter((s) => s.track !== null && s.track.readyState === 'live').length,
    };
  }
}

function newest(stats: Stat[]): Stat | undefined {
  return stats.reduce<Stat | undefined>(
    (best, s) => (!best || (num(s.lastPacketReceivedTimestamp) ?? 0) >= (num(best.lastPacketReceivedTimestamp) ?? 0) ? s : best),
    undefined,
  );
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function sum(stats: Stat[], key: string): number {
  return stats.reduce((n, s) => n + (num(s[key]) ?? 0), 0);
}

export function formatQuality(q: QualitySample | null): string {
  if (!q) return 'measuring…';
  const parts = [
    q.width && q.height ? `${q.width}×${q.height}` : 'no video',
    q.fps !== null ? `${Math.round(q.fps)} fps` : null,
    q.kbps !== null ? `${Math.round(q.kbps)} kbit/s` : null,
    q.lossPct !== null ? `loss ${q.lossPct.toFixed(1)} %` : null,
    q.rttMs !== null ? `RTT ${Math.round(q.rttMs)} ms` : null,
  ];
  return parts.filter(Boolean).join(' · ');
}
