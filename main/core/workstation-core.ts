import { EventEmitter } from 'node:events';
import {
  ConnectRequest,
  ErrorCode,
  LarmorError,
  describeIssues,
  type CommandView,
  type GatewayMessage,
  type LinkView,
  type LogEntry,
  type PreviewImage,
  type ScannerCommand,
  type ScannerSnapshot,
  type WelcomeMessage,
  type WorkstationView,
} from '../../protocol/index.js';
import { toLogEntry, type Activity } from './activity.js';
import { CommandRelay } from './command-relay.js';
import { GatewayLink } from './gateway-link.js';

export interface WorkstationCoreEvents {
  state: [WorkstationView];
  log: [LogEntry];
  activity: [Activity];
  image: [PreviewImage];
  /** Raw image frame as received, for the recorder (header already validated). */
  'image-frame': [Uint8Array];
}

export type ImageHandler = (frame: Uint8Array) => void;

const DISCONNECTED: LinkView = { status: 'disconnected', url: null, role: null, name: null, sessionId: null, error: null, policy: null };

/**
 * The workstation's core, in plain Node: link to one gateway, command relay, scanner-state
 * mirror and the activity stream. The Electron shell, the browser shell and the headless
 * recorder are all thin adapters around it.
 */
export class WorkstationCore extends EventEmitter<WorkstationCoreEvents> {
  private link: GatewayLink | null = null;
  private linkView: LinkView = DISCONNECTED;
  private snapshot: ScannerSnapshot | null = null;
  private lastSeq = 0;
  private imageHandler: ImageHandler | null = null;
  readonly relay: CommandRelay;

  constructor() {
    super();
    this.relay = new CommandRelay(
      { send: (id, command) => this.link?.isOpen === true && this.link.send({ type: 'command', id, command }) },
      (view) => this.commandChanged(view),
    );
  }

  /** Installed by the image intake (issue 4): turns binary frames into preview images. */
  setImageHandler(handler: ImageHandler): void {
    this.imageHandler = handler;
  }

  view(): WorkstationView {
    return { link: { ...this.linkView }, snapshot: this.snapshot, commands: this.relay.recent().map((c) => ({ ...c })) };
  }

  get lastEventSeq(): number {
    return this.lastSeq;
  }

  /** Resolves once the gateway welcomed us; rejects with a LarmorError when refused or unreachable. */
  connect(request: unknown): Promise<WelcomeMessage> {
    const parsed = ConnectRequest.safeParse(request);
    if (!parsed.success) return Promise.reject(new LarmorError(ErrorCode.INVALID_PARAMETER, describeIssues(parsed.error.issues)));
    const target = parsed.data;
    this.link?.close();
    this.snapshot = null;
    this.lastSeq = 0;
    const link = new GatewayLink(target);
    this.link = link;
    this.setLink({ status: 'connecting', url: target.url, role: target.role, name: target.name, sessionId: null, error: null, policy: null });
    return new Promise((resolve, reject) => {
      link.on('welcome', (welcome) => {
        this.snapshot = welcome.snapshot;
        this.lastSeq = welcome.lastSeq;
        this.setLink({ ...this.linkView, status: 'connected', sessionId: welcome.session.id, policy: welcome.policy });
        this.record({ type: 'scanner', at: now(), state: welcome.snapshot.state, seq: welcome.lastSeq, activeSequence: activeName(welcome.snapshot) });
        resolve(welcome);
      });
      link.on('message', (message) => this.receive(message));
      link.on('binary', (frame) => this.receiveImage(frame));
      link.on('protocol-error', (e) => this.record({ type: 'protocol-error', at: now(), ...e }));
      link.on('closed', ({ code, reason }) => {
        if (this.link !== link) return;
        this.relay.failInFlight('link lost before the gateway answered: check the scanner state for the outcome');
        const status = code === null ? 'disconnected' : link.welcome ? 'lost' : 'refused';
        this.setLink({ ...this.linkView, status, error: code ? { code, message: reason } : null });
        reject(new LarmorError(code ?? ErrorCode.LINK_DOWN, reason));
      });
      link.open();
    });
  }

  disconnect(): void {
    const link = this.link;
    this.link = null;
    link?.close();
    this.relay.failInFlight('disconnected by user before the gateway answered');
    this.setLink({ ...DISCONNECTED });
  }

  sendCommand(command: ScannerCommand): Promise<CommandView> {
    return this.relay.send(command);
  }

  private commandChanged(view: CommandView): void {
    const name = view.command.name;
    if (view.state === 'pending') this.record({ type: 'command', at: view.sentAt, id: view.id, name });
    else this.record({ type: 'ack', at: view.settledAt ?? now(), id: view.id, name, outcome: view.state, code: view.code, reason: view.reason });
    this.publishState();
  }

  private receive(message: GatewayMessage): void {
    switch (message.type) {
      case 'ack':
        this.relay.acknowledge(message);
        return;
      case 'event': {
        if (message.seq <= this.lastSeq) return; // replayed after a resume: already seen
        this.lastSeq = message.seq;
        const body = message.body;
        if (body.kind === 'scanner') {
          const before = this.snapshot;
          this.snapshot = body.snapshot;
          if (before?.state !== body.snapshot.state || before?.activeSequenceId !== body.snapshot.activeSequenceId) {
            this.record({ type: 'scanner', at: message.at, state: body.snapshot.state, seq: message.seq, activeSequence: activeName(body.snapshot) });
          }
          this.publishState();
        } else {
          this.record({ type: 'notice', at: message.at, level: body.level, text: body.text, seq: message.seq });
        }
        return;
      }
      case 'error':
        this.record({ type: 'protocol-error', at: now(), code: message.code, message: message.message });
        return;
      default:
        return;
    }
  }

  private receiveImage(frame: Uint8Array): void {
    this.emit('image-frame', frame);
    this.imageHandler?.(frame);
  }

  /** Called by the image intake after an image frame's sequence number is known. */
  noteImageSeq(seq: number): boolean {
    if (seq <= this.lastSeq) return false;
    this.lastSeq = seq;
    return true;
  }

  record(activity: Activity): void {
    this.emit('activity', activity);
    this.emit('log', toLogEntry(activity));
  }

  private setLink(view: LinkView): void {
    const changed = view.status !== this.linkView.status;
    this.linkView = view;
    if (changed) this.record({ type: 'link', at: now(), status: view.status, url: view.url, code: view.error?.code ?? null, reason: view.error?.message ?? null });
    this.publishState();
  }

  private publishState(): void {
    this.emit('state', this.view());
  }
}

function now(): string {
  return new Date().toISOString();
}

function activeName(snapshot: ScannerSnapshot): string | null {
  return snapshot.queue.find((s) => s.id === snapshot.activeSequenceId)?.name ?? null;
}
