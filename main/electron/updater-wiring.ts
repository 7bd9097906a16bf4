import type { AppUpdater, UpdateDownloadedEvent, UpdateInfo } from 'electron-updater';
import { decideUpdate, verifyDownloadedUpdate, type UpdateFeed, type UpdateMetadata } from './update-decision.js';

export type ShellUpdater = Pick<
  AppUpdater,
  | 'autoDownload'
  | 'autoInstallOnAppQuit'
  | 'allowDowngrade'
  | 'allowPrerelease'
  | 'disableWebInstaller'
  | 'channel'
  | 'setFeedURL'
  | 'checkForUpdates'
  | 'downloadUpdate'
  | 'on'
>;

/**
 * electron-updater against the hospital's update server, with the decisions of
 * update-decision.ts in front of it: nothing is downloaded before the offer is accepted, and a
 * download is installed at quit only after its sha512 was checked again here. On Windows and
 * macOS electron-updater also checks the installer's code signature against the running app's
 * publisher (NSIS `publisherName`, Squirrel.Mac's designated requirement).
 */
export function wireUpdater(updater: ShellUpdater, feed: UpdateFeed, currentVersion: string, log: (line: string) => void): void {
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = true;
  updater.allowPrerelease = false;
  updater.disableWebInstaller = true;
  updater.setFeedURL({ provider: 'generic', url: feed.url, channel: feed.channel });
  updater.channel = feed.channel;
  // Setting the channel turns allowDowngrade on (electron-updater's documented side effect):
  // turn it off again, after.
  updater.allowDowngrade = false;

  let accepted: UpdateMetadata | null = null;
  updater.on('update-available', (info: UpdateInfo) => {
    const decision = decideUpdate(currentVersion, info, feed.channel);
    if (!decision.take) {
      log(decision.reason);
      return;
    }
    accepted = decision.offer;
    log(`update ${decision.offer.version} accepted; downloading`);
    updater.downloadUpdate().catch((err: unknown) => log(`update download failed: ${String(err)}`));
  });
  updater.on('update-downloaded', (event: UpdateDownloadedEvent) => {
    const verdict = accepted
      ? verifyDownloadedUpdate(event.downloadedFile, accepted)
      : { ok: false as const, reason: 'downloaded update refused: no offer was accepted' };
    if (!verdict.ok) {
      updater.autoInstallOnAppQuit = false;
      log(verdict.reason);
      return;
    }
    log(`update ${accepted!.version} verified; it installs when Larmor is closed`);
  });
  updater.on('error', (err: Error) => log(`update check failed: ${err.message}`));
  updater.checkForUpdates().catch((err: unknown) => log(`update check failed: ${String(err)}`));
}
