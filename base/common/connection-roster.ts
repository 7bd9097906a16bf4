/**
 * A port's open connections: how many there are in all and from each address, and which of them
 * have not yet established what a peer connects for, oldest first. For the DICOM port that is an
 * association (a complete A-ASSOCIATE-RQ, gateway/dicom-scp/index.ts); for the web port's
 * sockets, a whole request being answered or a WebSocket upgrade (gateway/server/socket-guard.ts;
 * a kept-alive socket between requests is idle again); for its WebSocket sessions, a hello
 * (gateway/server/gateway.ts).
 *
 * When the port or an address is at its limit, a new connection takes the place of the oldest
 * connection that has established nothing, instead of being turned away. A flood of connections
 * that say nothing, or never finish saying it (slowloris), then cannot keep out a scanner or a
 * workstation, which speaks a moment after connecting, not even one behind the flood's own
 * address (a site behind one NAT address). The flood can only push out its own connections, or
 * those of peers too slow to speak. An established connection is never closed to make room.
 * When every connection is established, the new one is turned away.
 */
export interface RosterEntry {
  readonly address: string;
}

interface Entry extends RosterEntry {
  /** Closes the connection; it must stop counting at once (Node's own count included). */
  readonly evict: () => void;
  counted: boolean;
}

export type Admission =
  | {
      entry: RosterEntry;
      /** The connection closed to make room, if one was. */
      evicted: RosterEntry | null;
    }
  /** Nothing could be evicted: the new connection is not counted and is to be closed. */
  | { full: 'address' | 'port' };

export class ConnectionRoster {
  private total = 0;
  private readonly fromAddress = new Map<string, number>();
  /** Connections that established nothing yet, in order of arrival (a Set iterates in insertion order). */
  private readonly waiting = new Set<Entry>();
  private readonly waitingFrom = new Map<string, Set<Entry>>();

  constructor(
    private readonly limit: number,
    private readonly addressLimit: number,
  ) {}

  /**
   * Counts a new connection from `address`. When the address's share is full, the oldest of its
   * connections that established nothing is evicted; when the port is full, the oldest of all
   * such connections.
   */
  admit(address: string, evict: () => void): Admission {
    let evicted: Entry | null = null;
    if ((this.fromAddress.get(address) ?? 0) >= this.addressLimit) {
      evicted = first(this.waitingFrom.get(address));
      if (evicted === null) return { full: 'address' };
    } else if (this.total >= this.limit) {
      evicted = first(this.waiting);
      if (evicted === null) return { full: 'port' };
    }
    if (evicted !== null) {
      this.closed(evicted);
      evicted.evict();
    }
    const entry: Entry = { address, evict, counted: true };
    this.total++;
    this.fromAddress.set(address, (this.fromAddress.get(address) ?? 0) + 1);
    this.idle(entry);
    return { entry, evicted };
  }

  /** The connection established what a peer connects for: it is not closed to make room while it stays so. */
  established(entry: RosterEntry): void {
    this.unwait(entry as Entry);
  }

  /**
   * The connection is idle again (a kept-alive HTTP socket between requests): it may be closed to
   * make room, after every connection that has been waiting longer.
   */
  idle(entry: RosterEntry): void {
    const e = entry as Entry;
    if (!e.counted || this.waiting.has(e)) return;
    this.waiting.add(e);
    let from = this.waitingFrom.get(e.address);
    if (!from) this.waitingFrom.set(e.address, (from = new Set()));
    from.add(e);
  }

  /** The connection closed (or was evicted): it no longer counts. Idempotent. */
  closed(entry: RosterEntry): void {
    const e = entry as Entry;
    this.unwait(e);
    if (!e.counted) return;
    e.counted = false;
    this.total--;
    const left = (this.fromAddress.get(e.address) ?? 1) - 1;
    if (left <= 0) this.fromAddress.delete(e.address);
    else this.fromAddress.set(e.address, left);
  }

  private unwait(entry: Entry): void {
    if (!this.waiting.delete(entry)) return;
    const from = this.waitingFrom.get(entry.address)!;
    from.delete(entry);
    if (from.size === 0) this.waitingFrom.delete(entry.address);
  }
}

function first(entries: Set<Entry> | undefined): Entry | null {
  if (!entries) return null;
  for (const entry of entries) return entry;
  return null;
}
