import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  MAX_MEDIA_OBSERVERS,
  MEDIA_HEALTH_REASON_MAX,
  MEDIA_HEARS_MAX,
  type GatewayMessage,
  type MediaMemberMessage,
  type MediaRefusedMessage,
  type MediaRoomMessage,
  type MediaState,
} from '../../../protocol/index.js';
import { useGatewayFixture, type RawClient } from '../../helpers/gateway.js';

const f = useGatewayFixture();

const STATE: MediaState = { audio: true, video: true, intercom: false, health: 'ok', healthReason: null };
const SENDRECV_OFFER =
  'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendrecv\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendrecv\r\n';
const RECVONLY_OFFER = SENDRECV_OFFER.replaceAll('a=sendrecv', 'a=recvonly');
const NO_DIRECTION_OFFER = SENDRECV_OFFER.replaceAll('a=sendrecv\r\n', '');
const RECVONLY_THEN_SENDONLY = SENDRECV_OFFER.replaceAll('a=sendrecv', 'a=recvonly\r\na=sendonly');
const WITH_DATA_CHANNEL = `${RECVONLY_OFFER}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\na=sctp-port:5000\r\n`;

async function member(role: 'operator' | 'onsite' | 'observer', name: string): Promise<{ c: RawClient; id: string }> {
  const c = await f.client(role, name);
  const from = c.messages.length;
  c.sendJson({ type: 'media.join', state: STATE });
  const room = await c.next<MediaRoomMessage>((m) => m.type === 'media.room', from);
  return { c, id: room.self };
}

describe('WebRTC signaling over the gateway link', () => {
  it('sends the room, in join order and with the ICE servers, to every member on each join and leave', async () => {
    await f.start({ iceServers: [{ urls: 'stun:stun.example.org:3478' }] });
    const op = await member('operator', 'Remote Tech');
    const from = op.c.messages.length;
    const onsite = await member('onsite', 'Onsite Tech');
    const room = await op.c.next<MediaRoomMessage>((m) => m.type === 'media.room', from);
    expect(room.members.map((m) => m.sessionId)).toEqual([op.id, onsite.id]);
    expect(room.iceServers).toEqual([{ urls: 'stun:stun.example.org:3478' }]);
    const afterLeave = op.c.messages.length;
    onsite.c.close();
    const left = await op.c.next<MediaRoomMessage>((m) => m.type === 'media.room', afterLeave);
    expect(left.members.map((m) => m.sessionId)).toEqual([op.id]);
  });

  it('relays a description and a candidate between operator and onsite, naming the sender', async () => {
    await f.start();
    const op = await member('operator', 'Remote Tech');
    const onsite = await member('onsite', 'Onsite Tech');
    onsite.c.sendJson({ type: 'signal', to: op.id, description: { type: 'offer', sdp: SENDRECV_OFFER } });
    expect(await op.c.next((m) => m.type === 'signal')).toMatchObject({ from: onsite.id, description: { type: 'offer' } });
    op.c.sendJson({ type: 'signal', to: onsite.id, candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } });
    expect(await onsite.c.next((m) => m.type === 'signal')).toMatchObject({ from: op.id, candidate: { sdpMid: '0' } });
  });

  it('relays an observer’s receive-only offer', async () => {
    await f.start();
    const op = await member('operator', 'Remote Tech');
    const observer = await member('observer', 'Trainer');
    observer.c.sendJson({ type: 'signal', to: op.id, description: { type: 'offer', sdp: RECVONLY_OFFER } });
    expect(await op.c.next((m) => m.type === 'signal')).toMatchObject({ from: observer.id });
  });

  it.each([
    ['sendrecv', SENDRECV_OFFER],
    ['no direction (which means sendrecv)', NO_DIRECTION_OFFER],
    ['recvonly followed by sendonly', RECVONLY_THEN_SENDONLY],
    ['a data channel beside receive-only media', WITH_DATA_CHANNEL],
  ])('refuses an observer description that would send media (%s), and audits it', async (_name, sdp) => {
    await f.start();
    const op = await member('operator', 'Remote Tech');
    const observer = await member('observer', 'Trainer');
    observer.c.sendJson({ type: 'signal', to: op.id, description: { type: 'answer', sdp } });
    expect(await observer.c.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.SIGNAL_REFUSED });
    expect(op.c.messages.some((m) => m.type === 'signal')).toBe(false);
    expect(f.gateway.store.auditTrail().some((r) => r.action === 'signal' && r.decision === 'rejected' && r.role === 'observer')).toBe(true);
  });

  it('refuses signals to a session outside the room and between two observers', async () => {
    await f.start();
    const a = await member('observer', 'Trainer A');
    const b = await member('observer', 'Trainer B');
    a.c.sendJson({ type: 'signal', to: b.id, description: { type: 'offer', sdp: RECVONLY_OFFER } });
    expect(await a.c.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.SIGNAL_REFUSED });
    const outsider = await f.client('operator', 'Not Joined');
    outsider.sendJson({ type: 'signal', to: a.id, description: { type: 'offer', sdp: SENDRECV_OFFER } });
    expect(await outsider.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.SIGNAL_REFUSED });
  });

  it('relays at most its byte rate of signals from one member, refusing the rest with a code folded in the audit', async () => {
    await f.start({ heartbeatIntervalMs: 60_000 });
    const op = await member('operator', 'Remote Tech');
    const observer = await member('observer', 'Trainer');
    // A receive-only offer padded to 40 KB with attribute lines, 200 times: 8 MB at the operator.
    const padded = RECVONLY_OFFER + `a=x-pad:${'p'.repeat(1000)}\r\n`.repeat(40);
    for (let i = 0; i < 200; i++) observer.c.sendJson({ type: 'signal', to: op.id, description: { type: 'offer', sdp: padded } });
    observer.c.sendJson({ type: 'ping', t: 1 });
    await observer.c.next((m) => m.type === 'pong');
    op.c.sendJson({ type: 'ping', t: 2 });
    await op.c.next((m) => m.type === 'pong');
    const relayed = op.c.messages.filter((m) => m.type === 'signal');
    // 2 MB at once, and 256 KB a second after: some 50 of the 200.
    expect(relayed.length).toBeGreaterThan(40);
    expect(relayed.length).toBeLessThan(80);
    expect(observer.c.messages.filter((m) => m.type === 'error' && m.code === ErrorCode.RATE_LIMITED).length).toBe(200 - relayed.length);
    expect(f.gateway.store.auditTrail().filter((r) => r.action === 'signal' && r.code === ErrorCode.RATE_LIMITED)).toHaveLength(1);
  });

  it('audits media health transitions a member reports', async () => {
    await f.start();
    const op = await member('operator', 'Remote Tech');
    const from = op.c.messages.length;
    op.c.sendJson({ type: 'media.state', state: { ...STATE, health: 'failed', healthReason: 'ICE failed' } });
    await op.c.next((m) => m.type === 'media.member', from);
    expect(f.gateway.store.auditTrail().some((r) => r.action === 'media health' && r.decision === 'failed')).toBe(true);
  });

  it('takes at most its observers in the call, refusing the next with a code it folds in the audit, and the onsite console still', async () => {
    await f.start({ heartbeatIntervalMs: 60_000 });
    const op = await member('operator', 'Remote Tech');
    const trainees: { c: RawClient; id: string }[] = [];
    for (let i = 0; i < MAX_MEDIA_OBSERVERS; i++) trainees.push(await member('observer', `Trainee ${i}`));
    const late: RawClient[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await f.client('observer', `Late ${i}`);
      c.sendJson({ type: 'media.join', state: STATE });
      expect(await c.next<MediaRefusedMessage>((m) => m.type === 'media.refused')).toMatchObject({ code: ErrorCode.MEDIA_ROOM_FULL });
      late.push(c);
    }
    // Asked again, refused again: one audit row for each late observer, the rest folded.
    late[0]!.sendJson({ type: 'media.join', state: STATE });
    await late[0]!.next(() => late[0]!.messages.filter((m) => m.type === 'media.refused').length === 2);
    expect(f.gateway.store.auditTrail().filter((r) => r.code === ErrorCode.MEDIA_ROOM_FULL)).toHaveLength(3);

    const onsite = await member('onsite', 'Onsite Tech');
    const room = await op.c.next<MediaRoomMessage>((m) => m.type === 'media.room' && m.members.some((x) => x.sessionId === onsite.id));
    expect(room.members.filter((m) => m.role === 'observer')).toHaveLength(MAX_MEDIA_OBSERVERS);
    expect(late.every((c) => !c.messages.some((m) => m.type === 'media.room'))).toBe(true);

    // A place freed: the next try is taken.
    trainees[0]!.c.sendJson({ type: 'media.leave' });
    await op.c.next<MediaRoomMessage>((m) => m.type === 'media.room' && !m.members.some((x) => x.sessionId === trainees[0]!.id));
    late[1]!.sendJson({ type: 'media.join', state: STATE });
    const joined = await late[1]!.next<MediaRoomMessage>((m) => m.type === 'media.room');
    expect(joined.members.filter((m) => m.role === 'observer')).toHaveLength(MAX_MEDIA_OBSERVERS);
  });

  it('holds one session to the rate of shared actions when it joins the call over and over', async () => {
    await f.start({ heartbeatIntervalMs: 60_000 });
    await member('operator', 'Remote Tech');
    const churner = await f.client('observer', 'Trainer');
    for (let i = 0; i < 100; i++) {
      churner.sendJson({ type: 'media.join', state: STATE });
      churner.sendJson({ type: 'media.leave' });
    }
    await churner.next((m) => m.type === 'media.refused' && m.code === ErrorCode.RATE_LIMITED);
    churner.sendJson({ type: 'ping', t: 1 });
    await churner.next((m) => m.type === 'pong');
    // 30 at once (the burst), a few more as the bucket refills: never the 100 asked.
    const joined = f.gateway.store.auditTrail().filter((r) => r.action === 'media' && r.decision === 'joined' && r.actor === 'Trainer');
    expect(joined.length).toBeGreaterThanOrEqual(30);
    expect(joined.length).toBeLessThan(40);
  });

  describe('what a media state costs the room', () => {
    /** The largest state the schema takes: every `hears` id a full UUID, the longest reason. */
    const FULL: MediaState = {
      ...STATE,
      healthReason: '—'.repeat(MEDIA_HEALTH_REASON_MAX),
      hears: Array.from({ length: MEDIA_HEARS_MAX }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
    };
    const isMedia = (m: GatewayMessage) => m.type === 'media.room' || m.type === 'media.member';
    const bytes = (messages: GatewayMessage[]) => messages.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0);
    const senderIn = (id: string, audio: boolean) => (m: GatewayMessage) =>
      (m.type === 'media.member' && m.member.sessionId === id && m.member.state.audio === audio) ||
      (m.type === 'media.room' && m.members.some((x) => x.sessionId === id && x.state.audio === audio));

    /** `count` members (one operator, then observers) in the room, each having seen all of them. */
    async function room(count: number): Promise<{ c: RawClient; id: string }[]> {
      const members: { c: RawClient; id: string }[] = [];
      for (let i = 0; i < count; i++) {
        const c = await f.client(i === 0 ? 'operator' : 'observer', i === 0 ? 'Remote Tech' : `Trainer ${i}`);
        const from = c.messages.length;
        c.sendJson({ type: 'media.join', state: FULL });
        members.push({ c, id: (await c.next<MediaRoomMessage>((m) => m.type === 'media.room', from)).self });
      }
      await Promise.all(members.map((m) => m.c.next((x) => x.type === 'media.room' && x.members.length === count)));
      return members;
    }

    it('sends nothing for a state that changes nothing, and the one member, not the room, for a change', async () => {
      // Raw clients send no heartbeat: a room of ten joins slowly on a loaded machine.
      await f.start({ heartbeatIntervalMs: 60_000 });
      const members = await room(10);
      const marks = members.map((m) => m.c.messages.length);
      const [sender] = members;
      for (let i = 0; i < 40; i++) sender!.c.sendJson({ type: 'media.state', state: FULL });
      sender!.c.sendJson({ type: 'media.state', state: { ...FULL, audio: false } });
      await Promise.all(members.map((m, i) => m.c.next(senderIn(sender!.id, false), marks[i])));
      const entry = Buffer.byteLength(
        JSON.stringify({ type: 'media.member', member: { sessionId: sender!.id, role: 'operator', name: 'Remote Tech', state: { ...FULL, audio: false } } }),
      );
      for (const [i, m] of members.entries()) {
        const got = m.c.messages.slice(marks[i]).filter(isMedia);
        expect(got.map((x) => x.type)).toEqual(['media.member']);
        expect(bytes(got)).toBeLessThanOrEqual(entry);
      }
    });

    it('sends each member at most one entry per state change, however large the room', async () => {
      // Raw clients send no heartbeat: a room of ten joins slowly on a loaded machine.
      await f.start({ heartbeatIntervalMs: 60_000 });
      const members = await room(10);
      const marks = members.map((m) => m.c.messages.length);
      const [sender] = members;
      const changes = 30;
      for (let i = 0; i < changes; i++) sender!.c.sendJson({ type: 'media.state', state: { ...FULL, video: i % 2 === 0 } });
      sender!.c.sendJson({ type: 'media.state', state: { ...FULL, audio: false } });
      await Promise.all(members.map((m, i) => m.c.next(senderIn(sender!.id, false), marks[i])));
      const room10 = Buffer.byteLength(JSON.stringify([...members[0]!.c.messages].reverse().find((x) => x.type === 'media.room')));
      for (const [i, m] of members.entries()) {
        const got = m.c.messages.slice(marks[i]).filter(isMedia);
        // The room to every member on each change would be changes + 1 rooms of 10 entries each.
        expect(bytes(got)).toBeLessThanOrEqual(((changes + 1) * room10) / 5);
        expect(got.every((x) => x.type === 'media.member')).toBe(true);
        expect((got.at(-1) as MediaMemberMessage).member.state).toEqual({ ...FULL, audio: false });
      }
    });

    it.each([
      ['hears ids longer than a session id', { ...STATE, hears: Array.from({ length: 32 }, () => '\u0001'.repeat(128)) }],
      ['more hears ids than senders in a room', { ...STATE, hears: Array.from({ length: MEDIA_HEARS_MAX + 1 }, (_, i) => `id-${i}`) }],
      ['a control character in the health reason', { ...STATE, healthReason: 'ICE\u0001failed' }],
      ['a health reason over its length', { ...STATE, healthReason: 'x'.repeat(MEDIA_HEALTH_REASON_MAX + 1) }],
    ])('refuses a state with %s, with a code, and keeps the room as it was', async (_name, state) => {
      await f.start();
      const op = await member('operator', 'Remote Tech');
      const observer = await f.client('observer', 'Trainer');
      observer.sendJson({ type: 'media.join', state });
      expect(await observer.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
      const from = op.c.messages.length;
      op.c.sendJson({ type: 'media.state', state });
      expect(await op.c.next((m) => m.type === 'error', from)).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
      op.c.sendJson({ type: 'media.state', state: { ...STATE, audio: false } });
      const update = await op.c.next<MediaMemberMessage>((m) => m.type === 'media.member', from);
      expect(update.member.state).toEqual({ ...STATE, audio: false });
      expect(observer.messages.some(isMedia)).toBe(false);
    });
  });
});
