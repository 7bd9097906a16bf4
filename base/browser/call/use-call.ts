import { useCallback, useEffect, useRef, useState } from 'react';
import { MEDIA_HEARS_MAX, type MediaMember, type MediaState } from '../../../protocol/signaling.js';
import { LocalMedia, listDevices, type DeviceLists } from './local-media.js';
import { PeerMesh, callHealth, type PeerView } from './peer-mesh.js';
import type { SignalingPort } from './signaling-port.js';

export interface CallModel {
  /** Local camera/microphone; null for observers and when the devices are unavailable. */
  local: LocalMedia | null;
  localError: string | null;
  peers: PeerView[];
  members: MediaMember[];
  selfId: string | null;
  /** Session ids whose audio this side measured arriving in the last 2 s. */
  heard: string[];
  /** Not in the call: the gateway refused the join (ErrorCode.MEDIA_ROOM_FULL, ...); `join` asks again. */
  refused: { code: string; reason: string } | null;
  join(): void;
  devices: DeviceLists;
  audio: boolean;
  video: boolean;
  intercom: boolean;
  setAudio(on: boolean): void;
  setVideo(on: boolean): void;
  setIntercom(held: boolean): void;
  chooseDevice(kind: 'audio' | 'video', deviceId: string): void;
}

const NO_DEVICES: DeviceLists = { cameras: [], microphones: [], speakers: [] };

/**
 * One call for the life of a session id: open the devices (senders only), join the gateway's
 * media room, run the peer mesh, publish this side's media state and health. A new session id
 * (a reconnect) rejoins, which rebuilds every peer connection.
 */
export function useCall(port: SignalingPort | null, sessionId: string | null, sends: boolean): CallModel {
  const [local, setLocal] = useState<LocalMedia | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [devices, setDevices] = useState<DeviceLists>(NO_DEVICES);
  const [, setTick] = useState(0);
  const [flags, setFlags] = useState({ audio: true, video: true, intercom: false });
  const mesh = useRef<PeerMesh | null>(null);
  const published = useRef<string>('');

  // Devices: asked once per page, only by the sides that send.
  const hasPort = port !== null;
  useEffect(() => {
    if (!sends || !hasPort) return;
    let stopped = false;
    let opened: LocalMedia | null = null;
    LocalMedia.open()
      .then(async (media) => {
        if (stopped) return media.stop();
        opened = media;
        setLocal(media);
        setDevices(await listDevices());
      })
      .catch((err: Error) => setLocalError(`${err.name}: ${err.message}`));
    return () => {
      stopped = true;
      opened?.stop();
    };
  }, [sends, hasPort]);

  const ready = port !== null && sessionId !== null && (!sends || local !== null || localError !== null);
  useEffect(() => {
    if (!ready || !port) return;
    const m = new PeerMesh(port, local, () => setTick((t) => t + 1));
    mesh.current = m;
    const joinState = stateOf(local, { audio: true, video: true, intercom: false }, 'ok', null);
    published.current = JSON.stringify(joinState);
    port.send({ type: 'media.join', state: joinState });
    return () => {
      port.send({ type: 'media.leave' });
      m.close();
      mesh.current = null;
    };
  }, [ready, port, sessionId, local]);

  const peers = mesh.current?.views() ?? [];
  const health = callHealth(peers);
  const heard = mesh.current?.heard() ?? [];
  // The gateway takes at most MEDIA_HEARS_MAX ids in a state (protocol/signaling.ts).
  const state = { ...stateOf(local, flags, health.health, health.reason), hears: heard.slice(0, MEDIA_HEARS_MAX) };
  const key = JSON.stringify(state);
  useEffect(() => {
    if (!port || !mesh.current || published.current === key) return;
    published.current = key;
    port.send({ type: 'media.state', state });
  });

  const setAudio = useCallback(
    (on: boolean) => {
      local?.setAudio(on);
      setFlags((f) => ({ ...f, audio: on }));
    },
    [local],
  );
  const setVideo = useCallback(
    (on: boolean) => {
      local?.setVideo(on);
      setFlags((f) => ({ ...f, video: on }));
    },
    [local],
  );
  const setIntercom = useCallback(
    (held: boolean) => {
      local?.setPushToTalk(held);
      setFlags((f) => ({ ...f, intercom: held }));
    },
    [local],
  );
  const join = useCallback(() => {
    if (!port || !mesh.current) return;
    port.send({ type: 'media.join', state: JSON.parse(published.current) as MediaState });
  }, [port]);
  const chooseDevice = useCallback(
    (kind: 'audio' | 'video', deviceId: string) => {
      void local?.switchDevice(kind, deviceId).catch((err: Error) => setLocalError(`${err.name}: ${err.message}`));
    },
    [local],
  );

  return {
    local,
    localError,
    peers,
    members: mesh.current?.members ?? [],
    selfId: mesh.current?.selfId ?? null,
    heard,
    refused: mesh.current?.refused ?? null,
    join,
    devices,
    ...flags,
    setAudio,
    setVideo,
    setIntercom,
    chooseDevice,
  };
}

function stateOf(
  local: LocalMedia | null,
  flags: { audio: boolean; video: boolean; intercom: boolean },
  health: MediaState['health'],
  reason: string | null,
): MediaState {
  return {
    audio: local !== null && flags.audio,
    video: local !== null && flags.video,
    intercom: local !== null && flags.intercom,
    health,
    healthReason: reason,
  };
}
