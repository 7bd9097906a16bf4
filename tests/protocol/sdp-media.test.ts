import { describe, expect, it } from 'vitest';
import { observerSdpProblem, parseSdpMedia } from '../../protocol/index.js';

const HEAD = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const audio = (...attributes: string[]) => ['m=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', ...attributes].join('\r\n') + '\r\n';
const video = (...attributes: string[]) => ['m=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', ...attributes].join('\r\n') + '\r\n';

describe('parseSdpMedia', () => {
  it('lists each media section with every direction attribute it declares, and the session-level ones apart', () => {
    const parsed = parseSdpMedia(`${HEAD}a=inactive\r\n${audio('a=recvonly', 'a=sendonly')}${video()}`);
    expect(parsed.sessionDirections).toEqual(['inactive']);
    expect(parsed.sections).toEqual([
      { media: 'audio', port: 9, directions: ['recvonly', 'sendonly'] },
      { media: 'video', port: 9, directions: [] },
    ]);
  });

  it('reads LF-only line endings as browsers accept them', () => {
    expect(parseSdpMedia(`${HEAD}${audio('a=sendonly')}`.replaceAll('\r\n', '\n')).sections[0]!.directions).toEqual(['sendonly']);
  });

  it('does not take an attribute that merely starts like a direction for one', () => {
    expect(parseSdpMedia(`${HEAD}${audio('a=recvonlyx', 'a=sendonlyy:1')}`).sections[0]!.directions).toEqual([]);
  });

  it('takes a direction with a value after a colon or a blank for that direction, as a browser does', () => {
    expect(parseSdpMedia(`${HEAD}${audio('a=sendonly:1', 'a=recvonly x')}`).sections[0]!.directions).toEqual(['sendonly', 'recvonly']);
  });
});

describe('observerSdpProblem (what an observer may send)', () => {
  it.each([
    ['recvonly audio and video', `${HEAD}${audio('a=recvonly')}${video('a=recvonly')}`],
    ['inactive sections', `${HEAD}${audio('a=inactive')}${video('a=recvonly')}`],
    ['a session-level recvonly that sections inherit', `${HEAD}a=recvonly\r\n${audio()}${video()}`],
    ['a section overriding a session-level sendrecv', `${HEAD}a=sendrecv\r\n${audio('a=recvonly')}`],
  ])('accepts %s', (_what, sdp) => {
    expect(observerSdpProblem(sdp)).toBeNull();
  });

  it.each([
    ['recvonly followed by sendonly in one section', `${HEAD}${audio('a=recvonly', 'a=sendonly')}`, /2 directions \(recvonly, sendonly\)/],
    ['the same direction twice', `${HEAD}${audio('a=recvonly', 'a=recvonly')}`, /exactly one/],
    // A browser reads a direction by the attribute's name, whatever follows a colon or a blank.
    ['recvonly followed by sendrecv with a value', `${HEAD}${audio('a=recvonly', 'a=sendrecv:x')}`, /2 directions \(recvonly, sendrecv\)/],
    ['recvonly followed by sendonly with a blank and more', `${HEAD}${audio('a=recvonly', 'a=sendonly 1')}`, /2 directions \(recvonly, sendonly\)/],
    ['a session-level recvonly under a section sendrecv with an empty value', `${HEAD}a=recvonly\r\n${audio('a=sendrecv:')}`, /is sendrecv/],
    ['a sendonly video beside a recvonly audio', `${HEAD}${audio('a=recvonly')}${video('a=sendonly')}`, /m=video\) is sendonly/],
    ['a section without a direction (sendrecv)', `${HEAD}${audio()}`, /is sendrecv/],
    ['a session-level sendonly that a section inherits', `${HEAD}a=sendonly\r\n${audio()}`, /is sendonly/],
    ['two session-level directions', `${HEAD}a=recvonly\r\na=sendonly\r\n${audio('a=recvonly')}`, /session declares 2/],
    [
      'a data channel',
      `${HEAD}${audio('a=recvonly')}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=recvonly\r\n`,
      /m=application\): observers may only receive audio and video/,
    ],
    ['a text section', `${HEAD}m=text 9 RTP/AVP 98\r\na=recvonly\r\n`, /m=text/],
    ['no media at all', HEAD, /no media section/],
    ['an m= line without a port', `${HEAD}m=audio\r\na=recvonly\r\n`, /no valid port/],
  ])('refuses %s', (_what, sdp, reason) => {
    expect(observerSdpProblem(sdp)).toMatch(reason);
  });
});
