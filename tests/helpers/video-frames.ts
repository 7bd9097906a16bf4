import type { Page } from 'playwright-core';

/**
 * Frames presented so far by the video of the remote pane showing `peerRole`, counted with
 * requestVideoFrameCallback (a frame the compositor actually showed, unlike currentTime, which
 * advances on a frozen stream). The counter follows the pane when its video element is
 * replaced (a rebuilt call) and keeps counting from where it was.
 */
export function presentedFrames(page: Page, peerRole: 'operator' | 'onsite'): Promise<number> {
  return page.evaluate((role) => {
    const w = window as unknown as { __larmorFrames?: Record<string, number> };
    w.__larmorFrames ??= {};
    w.__larmorFrames[role] ??= 0;
    const video = document.querySelector(`[data-testid="remote-pane"][data-peer-role="${role}"] video`) as (HTMLVideoElement & { __counted?: boolean }) | null;
    if (video && !video.__counted) {
      video.__counted = true;
      const tick = () => {
        w.__larmorFrames![role]++;
        if (video.isConnected) video.requestVideoFrameCallback(tick);
      };
      video.requestVideoFrameCallback(tick);
    }
    return w.__larmorFrames[role];
  }, peerRole);
}
