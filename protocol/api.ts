import { z } from 'zod';
import { ScannerCommand } from './commands.js';
import type { LinkPolicy, NoticeAlarm, Role } from './messages.js';
import { WorkstationSignIn } from './auth.js';
import type { ScannerSnapshot } from './scanner.js';
import type { HealthView } from './health.js';
import type { PolicyView } from './policy.js';
import { MediaClientMessage, type MediaGatewayMessage } from './signaling.js';
import { ImageFetchRequest, type ExamCatalogue, type ImageFetchOutcome } from './exam-images.js';
import { DeskConnectRequest, SiteId, type DeskApi } from './desk.js';
import { CollabAction, type CollabState } from './collaboration.js';

/**
 * The renderer's whole view of the world: `window.larmor`, exposed by the preload (Electron) or
 * by the browser-shell shim. Task-shaped functions only; no generic invoke(channel).
 */
export interface LarmorApi {
  link: {
    connect(request: ConnectRequest): Promise<void>;
    disconnect(): Promise<void>;
  };
  commands: {
    /** Resolves with the final outcome; never rejects for a refused command. */
    send(command: ScannerCommand): Promise<CommandView>;
  };
  /**
   * Full workstation view, on subscribe and then as it changes: at most one per push interval,
   * the newest (docs/architecture.md "Pushes to the window"); a link-health change comes as this
   * view with its `health` replaced.
   */
  state: { subscribe(listener: (view: WorkstationView) => void): Unsubscribe };
  /**
   * The event log in batches, oldest first: the recent log first (a window opened on a link the
   * shell kept), then every new entry once, several to a batch when they come fast, so that a
   * flood is one store update per batch, not one per entry.
   */
  log: { subscribe(listener: (entries: readonly LogEntry[]) => void): Unsubscribe };
  /**
   * Decoded images, each once, in arrival order: live ones, and the ones `fetch` asked for
   * (marked `fetched`). `fetch` asks the gateway for images of the open exam it holds (the
   * catalogue is `WorkstationView.exam`); it resolves as soon as the gateway has queued them (the
   * images follow on `subscribe`), with the asked-for ones it does not hold in `unknown`
   * (`code` LARMOR_E_IMAGE_NOT_HELD); it rejects (LARMOR_E_LINK_DOWN) while the link is down.
   */
  images: {
    subscribe(listener: (image: PreviewImage) => void): Unsubscribe;
    fetch(request: ImageFetchRequest): Promise<ImageFetchOutcome>;
  };
  /**
   * WebRTC signaling with the site (docs/architecture.md "Wire protocol"): join/leave the call, publish this side's media
   * state, send descriptions and candidates; receive the room and the peers' signals.
   */
  media: {
    send(message: MediaClientMessage): Promise<void>;
    subscribe(listener: (message: MediaGatewayMessage) => void): Unsubscribe;
  };
  /**
   * "Scanning with you" (docs/architecture.md "Collaboration"): chat, marks, proposals, handover.
   * What the others did arrives in the workstation view's `collab`.
   */
  collab: {
    /** Resolves with the gateway's outcome; never rejects for a refusal (it carries the code). */
    send(action: CollabAction): Promise<CollabOutcome>;
  };
  /** What hospital IT set for this machine: the connect screen offers only what it allows (absent in test fakes: unrestricted). */
  policy?: { current(): Promise<PolicyView> };
  /** Several scanners on one workstation (protocol/desk.ts); the console API above acts on the focused one. */
  desk: DeskApi;
}
export type Unsubscribe = () => void;

export const ConnectRequest = WorkstationSignIn.extend({
  url: z
    .string()
    .regex(/^wss?:\/\/[^\s]+$/, 'gateway URL must start with ws:// or wss://')
    .max(512),
  /** Display name before the welcome; the gateway shows the account's name. */
  name: z.string().min(1).max(64).optional(),
  /** A session credential from hospital sign-in (README "Hospital single sign-on"), instead of user and password. */
  session: z.string().min(1).max(4096).optional(),
  /** Another route to the same site (e.g. a backup line), tried when the primary fails. */
  secondaryUrl: z
    .string()
    .regex(/^wss?:\/\/[^\s]+$/, 'secondary URL must start with ws:// or wss://')
    .max(512)
    .optional(),
});
export type ConnectRequest = z.infer<typeof ConnectRequest>;

export type LinkStatus = 'disconnected' | 'connecting' | 'connected' | 'refused' | 'lost';

export interface LinkView {
  status: LinkStatus;
  url: string | null;
  role: z.infer<typeof Role> | null;
  name: string | null;
  sessionId: string | null;
  /** Why the link is not connected, when it is not by the user's choice. */
  error: { code: string; message: string } | null;
  policy: z.infer<typeof LinkPolicy> | null;
}

type CommandState = 'pending' | 'done' | 'rejected';

export interface CommandView {
  id: string;
  command: ScannerCommand;
  state: CommandState;
  code: string | null;
  reason: string | null;
  sentAt: string;
  settledAt: string | null;
}

/** The gateway's answer to one collaboration action. */
export interface CollabOutcome {
  action: CollabAction['name'];
  state: 'done' | 'rejected';
  error: { code: string; message: string } | null;
}

export interface WorkstationView {
  link: LinkView;
  snapshot: ScannerSnapshot | null;
  /** Most recent commands, newest last. */
  commands: CommandView[];
  /** Link health: heartbeat figures, outage and reconnect progress (protocol/health.ts). */
  health: HealthView;
  /**
   * The open exam's series the gateway holds (protocol/exam-images.ts), kept up to date with the
   * live images: what a late joiner can view, each series' thumbnail, and what `images.fetch` may
   * ask for. null until the gateway's first catalogue after connecting. Always set by the core;
   * optional only for views made by hand.
   */
  exam?: ExamCatalogue | null;
  /** Chat, marks, pending proposals, handover and plans of the open exam; null before the gateway's catch-up. */
  collab?: CollabState | null;
}

type LogKind = 'link' | 'command' | 'ack' | 'scanner' | 'notice' | 'health' | 'image' | 'error' | 'collab';

export interface LogEntry {
  at: string;
  kind: LogKind;
  level: 'info' | 'warning' | 'alarm';
  text: string;
  /** The refusal or failure this entry reports, structured: a UI shows it without parsing `text`. */
  error?: { code: string; message: string };
  /** The safety-rule alarm a notice entry reports (protocol/messages.ts NoticeAlarm): a UI words it without parsing `text`. */
  alarm?: NoticeAlarm;
}

/**
 * IPC channel names and the schema of each request payload. The Electron IPC gate and the
 * browser-shell bridge both validate against these before any handler runs.
 */
export const IpcRequests = {
  'link.connect': ConnectRequest,
  'link.disconnect': z.undefined(),
  'state.current': z.undefined(),
  /** The focused site's recent event log, oldest first, for a log subscriber's first entries. */
  'log.recent': z.undefined(),
  'commands.send': ScannerCommand,
  'media.send': MediaClientMessage,
  /** The machine policy's part the page needs (protocol/policy.ts). */
  'policy.current': z.undefined(),
  /** Held images of the open exam, by SOP Instance UIDs or series (protocol/exam-images.ts). */
  'images.fetch': ImageFetchRequest,
  /** The desk (protocol/desk.ts): sign in to every site of a list, focus one, acknowledge an alarm. */
  'desk.connect': DeskConnectRequest,
  'desk.focus': z.object({ siteId: SiteId }),
  'desk.acknowledge': z.object({ siteId: SiteId, alarmId: z.string().min(1).max(128) }),
  /** The desk view now, for a subscriber's first view (like state.current). */
  'desk.current': z.undefined(),
  'collab.send': CollabAction,
} as const;
export type IpcRequestName = keyof typeof IpcRequests;

/**
 * Push channels from core to renderer. `log` carries a batch (LogEntry[]); `health` carries the
 * view's HealthView alone, which the client folds into the last view (protocol/bridge.ts).
 */
export const IpcPushes = ['state', 'log', 'image', 'media', 'desk', 'health'] as const;
export type IpcPushName = (typeof IpcPushes)[number];

/**
 * The UID a preview image goes by: its SOP Instance UID, or for a frame of a multi-frame object
 * (an enhanced MR), `UID#n` with n from 1, since each frame is shown as an image of its own.
 */
export function previewImageUid(sopInstanceUid: string, frame: number | null): string {
  return frame === null ? sopInstanceUid : `${sopInstanceUid}#${frame}`;
}

/** The object a preview image comes from (`previewImageUid` undone): what the gateway holds and `image.fetch` names. */
export function objectUidOf(previewUid: string): string {
  return previewUid.replace(/#\d+$/, '');
}

/**
 * One decoded preview image as the renderer receives it. `pixels` holds the stored values,
 * little-endian, one sample per pixel, Rows x Columns; it arrives as a transferable buffer.
 */
export interface PreviewImage {
  seriesUid: string;
  seriesNumber: number | null;
  seriesDescription: string;
  sopInstanceUid: string;
  instanceNumber: number | null;
  /** Images expected in the series (from the acquisition), when known. */
  imagesInSeries: number | null;
  rows: number;
  columns: number;
  bitsAllocated: 8 | 16;
  /** 0 unsigned, 1 two's complement (PS3.3 C.7.6.3.1.4). */
  pixelRepresentation: 0 | 1;
  photometricInterpretation: 'MONOCHROME1' | 'MONOCHROME2';
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter: number | null;
  windowWidth: number | null;
  pixelSpacingMm: [number, number] | null;
  /** Pixel Aspect Ratio (0028,0034), vertical then horizontal: used when Pixel Spacing is absent. */
  pixelAspectRatio?: [number, number] | null;
  /** Image Orientation (Patient) (PS3.3 C.7.6.2.1.1): row then column direction cosines, LPS. */
  imageOrientationPatient?: [number, number, number, number, number, number] | null;
  /** Image Position (Patient): centre of the first transmitted pixel, mm. */
  imagePositionPatient?: [number, number, number] | null;
  /** Images share a patient coordinate system only within one Frame of Reference (C.7.4.1). */
  frameOfReferenceUid?: string | null;
  sliceLocationMm: number | null;
  sliceThicknessMm: number | null;
  patientName: string;
  patientId: string;
  studyDescription: string;
  /** ISO time the gateway held the complete image (for latency measurement). */
  gatewayAt: string;
  /** Sent again because it was asked for (images.fetch), not live: never "newest", never counted as arriving. */
  fetched?: boolean;
  pixels: ArrayBuffer;
}
