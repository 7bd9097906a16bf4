/**
 * Open WebSocket sessions per remote address (gateway/server/gateway.ts). The ports' sockets are
 * counted by a roster (connection-roster.ts), which also knows which of them it may close.
 */
export class AddressCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Count one more from `address`; false (and not counted) when it would exceed the limit. */
  admit(address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (count >= this.limit) return false;
    this.open.set(address, count + 1);
    return true;
  }

  release(address: string): void {
    const count = (this.open.get(address) ?? 1) - 1;
    if (count <= 0) this.open.delete(address);
    else this.open.set(address, count);
  }
}
