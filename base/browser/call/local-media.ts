/**
 * This side's camera and microphone: acquisition, mute and camera switches, device choice.
 * Mute and camera-off disable the track (the peer receives silence / black), so the call does
 * not renegotiate; a device change swaps the track in every sender (RTCRtpSender.replaceTrack).
 */
export interface DeviceChoice {
  cameraId: string | null;
  microphoneId: string | null;
}

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
  speakers: MediaDeviceInfo[];
}

export class LocalMedia {
  readonly stream = new MediaStream();
  private audioOn = true;
  private videoOn = true;
  private pushToTalk = false;
  private readonly trackListeners = new Set<(kind: 'audio' | 'video', track: MediaStreamTrack) => void>();

  /** Ask for camera and microphone (the browser or Electron's permission handler decides). */
  static async open(choice: DeviceChoice = { cameraId: null, microphoneId: null }): Promise<LocalMedia> {
    const media = new LocalMedia();
    const stream = await navigator.mediaDevices.getUserMedia(constraints(choice));
    for (const track of stream.getTracks()) media.stream.addTrack(track);
    return media;
  }

  get audio(): MediaStreamTrack | null {
    return this.stream.getAudioTracks()[0] ?? null;
  }

  get video(): MediaStreamTrack | null {
    return this.stream.getVideoTracks()[0] ?? null;
  }

  get audioEnabled(): boolean {
    return this.audioOn;
  }

  get videoEnabled(): boolean {
    return this.videoOn;
  }

  get talking(): boolean {
    return this.pushToTalk;
  }

  setAudio(on: boolean): void {
    this.audioOn = on;
    this.applyAudio();
  }

  setVideo(on: boolean): void {
    this.videoOn = on;
    if (this.video) this.video.enabled = on;
  }

  /** Push-to-talk to the patient intercom opens the microphone while held, even when muted. */
  setPushToTalk(held: boolean): void {
    this.pushToTalk = held;
    this.applyAudio();
  }

  /** Called with each new track after a device change, so senders can swap it in. */
  onTrackReplaced(listener: (kind: 'audio' | 'video', track: MediaStreamTrack) => void): () => void {
    this.trackListeners.add(listener);
    return () => this.trackListeners.delete(listener);
  }

  async switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const fresh = await navigator.mediaDevices.getUserMedia(
      kind === 'audio' ? { audio: { deviceId: { exact: deviceId } } } : { video: { deviceId: { exact: deviceId }, ...VIDEO_SIZE } },
    );
    const track = kind === 'audio' ? fresh.getAudioTracks()[0]! : fresh.getVideoTracks()[0]!;
    const old = kind === 'audio' ? this.audio : this.video;
    if (old) {
      this.stream.removeTrack(old);
      old.stop();
    }
    this.stream.addTrack(track);
    if (kind === 'audio') this.applyAudio();
    else track.enabled = this.videoOn;
    for (const l of this.trackListeners) l(kind, track);
  }

  stop(): void {
    for (const track of this.stream.getTracks()) track.stop();
  }

  private applyAudio(): void {
    if (this.audio) this.audio.enabled = this.audioOn || this.pushToTalk;
  }
}

/** 640x480 at 30 fps: enough to see the patient and the bore, light on a home uplink. */
const VIDEO_SIZE = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } };

function constraints(choice: DeviceChoice): MediaStreamConstraints {
  return {
    audio: choice.microphoneId ? { deviceId: { exact: choice.microphoneId } } : { echoCancellation: true, noiseSuppression: true },
    video: choice.cameraId ? { deviceId: { exact: choice.cameraId }, ...VIDEO_SIZE } : VIDEO_SIZE,
  };
}

export async function listDevices(): Promise<DeviceLists> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: all.filter((d) => d.kind === 'videoinput'),
    microphones: all.filter((d) => d.kind === 'audioinput'),
    speakers: all.filter((d) => d.kind === 'audiooutput'),
  };
}
