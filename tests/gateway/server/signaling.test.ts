import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type MediaRoomMessage, type MediaState } from '../../../protocol/index.js';
import type { Gateway } from '../../../gateway/server/gateway.js';
import { RawClient, startTestGateway } from '../../helpers/gateway.js';

let gateway: Gateway;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await gateway?.close();
});

const STATE: MediaState = { audio: true, video: true, intercom: false, health: 'ok', healthReason: null };
const SENDRECV_OFFER =
  'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendrecv\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendrecv\r\n';
const RECVONLY_OFFER = SENDRECV_OFFER.replaceAll('a=sendrecv', 'a=recvonly');
const NO_DIRECTION_OFFER = SENDRECV_OFFER.replaceAll('a=sendrecv\r\n', '');
const RECVONLY_THEN_SENDONLY = SENDRECV_OFFER.replaceAll('a=sendrecv', 'a=recvonly\r\na=sendonly');
const WITH_DATA_CHANNEL = `${RECVONLY_OFFER}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\na=sctp-port:5000\r\n`;

async function member(role: 'operator' | 'onsite' | 'observer', name: string): Promise<{ c: RawClient; id: string }> {
  const c = await RawClient.greeted(gateway.url, role, name);
  clients.push(c);
  const from = c.messages.length;
  c.sendJson({ type: 'media.join', state: STATE });
  const room = await c.next<MediaRoomMessage>((m) => m.type === 'media.room', from);
  return { c, id: room.self };
}

describe('WebRTC signaling over the gateway link', () => {
  it('sends the room, in join order and with the ICE servers, to every member on each change', async () => {
    gateway = await startTestGateway({ iceServers: [{ urls: 'stun:stun.example.org:3478' }] });
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
    gateway = await startTestGateway();
    const op = await member('operator', 'Remote Tech');
    const onsite = await member('onsite', 'Onsite Tech');
    onsite.c.sendJson({ type: 'signal', to: op.id, description: { type: 'offer', sdp: SENDRECV_OFFER } });
    expect(await op.c.next((m) => m.type === 'signal')).toMatchObject({ from: onsite.id, description: { type: 'offer' } });
    op.c.sendJson({ type: 'signal', to: onsite.id, candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } });
    expect(await onsite.c.next((m) => m.type === 'signal')).toMatchObject({ from: op.id, candidate: { sdpMid: '0' } });
  });

  it('relays an observer’s receive-only offer', async () => {
    gateway = await startTestGateway();
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
    gateway = await startTestGateway();
    const op = await member('operator', 'Remote Tech');
    const observer = await member('observer', 'Trainer');
    observer.c.sendJson({ type: 'signal', to: op.id, description: { type: 'answer', sdp } });
    expect(await observer.c.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.SIGNAL_REFUSED });
    expect(op.c.messages.some((m) => m.type === 'signal')).toBe(false);
    expect(gateway.store.auditTrail().some((r) => r.action === 'signal' && r.decision === 'rejected' && r.role === 'observer')).toBe(true);
  });

  it('refuses signals to a session outside the room and between two observers', async () => {
    gateway = await startTestGateway();
    const a = await member('observer', 'Trainer A');
    const b = await member('observer', 'Trainer B');
    a.c.sendJson({ type: 'signal', to: b.id, description: { type: 'offer', sdp: RECVONLY_OFFER } });
    expect(await a.c.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.SIGNAL_REFUSED });
    const outsider = await RawClient.greeted(gateway.url, 'operator', 'Not Joined');
    clients.push(outsider);
    outsider.sendJson({ type: 'signal', to: a.id, description: { type: 'offer', sdp: SENDRECV_OFFER } });
    expect(await outsider.next((m) => m.type === 'error')).toMatchObject({ code: ErrorCode.SIGNAL_REFUSED });
  });

  it('audits media health transitions a member reports', async () => {
    gateway = await startTestGateway();
    const op = await member('operator', 'Remote Tech');
    const from = op.c.messages.length;
    op.c.sendJson({ type: 'media.state', state: { ...STATE, health: 'failed', healthReason: 'ICE failed' } });
    await op.c.next((m) => m.type === 'media.room', from);
    expect(gateway.store.auditTrail().some((r) => r.action === 'media health' && r.decision === 'failed')).toBe(true);
  });
});
