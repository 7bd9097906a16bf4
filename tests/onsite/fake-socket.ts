/**
 * A stand-in for the onsite page's WebSocket (the browser's API, as much of it as onsite-link.ts
 * uses): a test opens it, hands it frames as the gateway would, and reads what the page sent.
 * Installed with `vi.stubGlobal('WebSocket', FakeSocket)`; `last` is the socket opened last.
 */
export class FakeSocket {
  static readonly OPEN = 1;
  static last: FakeSocket | null = null;
  readyState = 0;
  binaryType = 'blob';
  readonly sent: string[] = [];
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();

  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {
    FakeSocket.last = this;
  }

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = 3;
    this.emit('close', {});
  }

  /** The gateway side. */
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.emit('open', {});
  }

  receive(message: unknown): void {
    this.emit('message', { data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  /** A binary frame: an image frame, or a part of one. */
  receiveBinary(data: ArrayBuffer): void {
    this.emit('message', { data });
  }

  private emit(type: string, event: unknown): void {
    for (const l of this.listeners.get(type) ?? []) l(event);
  }
}
