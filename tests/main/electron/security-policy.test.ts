import { describe, expect, it } from 'vitest';
import { allowNavigation, allowPermissionCheck, allowPermissionRequest } from '../../../main/electron/security-policy.js';

const APP = 'app://larmor/index.html';

describe('Electron permission policy', () => {
  it('grants camera and microphone to our own page, with or without its query', () => {
    expect(allowPermissionRequest('media', { requestingUrl: APP, mediaTypes: ['audio', 'video'] }, APP)).toBe(true);
    expect(allowPermissionRequest('media', { requestingUrl: `${APP}?gateway=wss%3A%2F%2Fx`, mediaTypes: ['video'] }, APP)).toBe(true);
  });

  it.each([
    ['another page', 'media', { requestingUrl: 'https://evil.example/', mediaTypes: ['video'] }],
    ['another local file', 'media', { requestingUrl: 'file:///tmp/x.html', mediaTypes: ['audio'] }],
    ['another page of our origin', 'media', { requestingUrl: 'app://larmor/other.html', mediaTypes: ['audio'] }],
    ['media without saying which', 'media', { requestingUrl: APP, mediaTypes: [] }],
    ['no requesting URL', 'media', { mediaTypes: ['audio'] }],
    ['screen capture through media', 'media', { requestingUrl: APP, mediaTypes: ['video', 'screen'] }],
    ['display capture', 'display-capture', { requestingUrl: APP }],
    ['notifications', 'notifications', { requestingUrl: APP }],
    ['geolocation', 'geolocation', { requestingUrl: APP }],
    ['clipboard', 'clipboard-read', { requestingUrl: APP }],
    ['HID devices', 'hid', { requestingUrl: APP }],
    ['opening external links', 'openExternal', { requestingUrl: APP }],
  ])('denies %s', (_name, permission, details) => {
    expect(allowPermissionRequest(permission, details, APP)).toBe(false);
  });

  it('answers permission checks for media from our origin only', () => {
    expect(allowPermissionCheck('media', 'app://larmor', APP)).toBe(true);
    expect(allowPermissionCheck('media', 'app://larmor/', APP)).toBe(true);
    expect(allowPermissionCheck('media', 'file://', APP)).toBe(false);
    expect(allowPermissionCheck('media', 'app://larmor.evil.example', APP)).toBe(false);
    expect(allowPermissionCheck('media', 'https://evil.example', APP)).toBe(false);
    expect(allowPermissionCheck('notifications', 'app://larmor', APP)).toBe(false);
  });

  it('keeps the window on our page', () => {
    expect(allowNavigation(`${APP}#viewer`, APP)).toBe(true);
    expect(allowNavigation('https://evil.example/', APP)).toBe(false);
    expect(allowNavigation('file:///etc/passwd', APP)).toBe(false);
    expect(allowNavigation('app://larmor/other.html', APP)).toBe(false);
  });
});
