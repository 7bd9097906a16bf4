import type { Page } from 'playwright-core';

/**
 * An init script that keeps every RTCPeerConnection the page creates in
 * window.__larmorPeerConnections, and notes in window.__larmorSawCallLost whether a lost-call
 * banner ever appeared (it may show only for a moment while the call rebuilds itself). Lets a
 * test force glare or kill a connection from outside, as a network would.
 */
export const PEER_CONNECTION_RECORDER = `(() => {
  const Native = window.RTCPeerConnection;
  const all = [];
  window.__larmorPeerConnections = all;
  window.RTCPeerConnection = class extends Native { constructor(...args) { super(...args); all.push(this); } };
  window.__larmorSawCallLost = false;
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="call-lost-banner"]')) window.__larmorSawCallLost = true;
  }).observe(document, { subtree: true, childList: true });
})();`;

type Recorded = Window & { __larmorPeerConnections: RTCPeerConnection[]; __larmorSawCallLost: boolean };

/** ICE restart on every open connection of the page: run on both ends at once, the offers cross (glare). */
export function restartIceEverywhere(page: Page): Promise<number> {
  return page.evaluate(() => {
    const open = (window as unknown as Recorded).__larmorPeerConnections.filter((pc) => pc.connectionState !== 'closed');
    for (const pc of open) pc.restartIce();
    return open.length;
  });
}

/** Close every open connection of the page under the application, as a dead network path would end it. */
export function killPeerConnections(page: Page): Promise<number> {
  return page.evaluate(() => {
    const open = (window as unknown as Recorded).__larmorPeerConnections.filter((pc) => pc.connectionState !== 'closed');
    for (const pc of open) pc.close();
    return open.length;
  });
}

export function sawCallLostBanner(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as Recorded).__larmorSawCallLost);
}

export function resetCallLostNote(page: Page): Promise<void> {
  return page.evaluate(() => {
    (window as unknown as Recorded).__larmorSawCallLost = false;
  });
}

/** Signaling states of the page's open connections (all 'stable' once negotiation settled). */
export function signalingStates(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as Recorded).__larmorPeerConnections.filter((pc) => pc.connectionState !== 'closed').map((pc) => pc.signalingState),
  );
}
