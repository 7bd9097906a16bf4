import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * The id of the last audit row the site's audit repository has (as far as the gateway can
 * know), kept in a small file beside the database. The audit table itself is the outbound
 * queue: rows after the cursor are what is still to send, so a collector outage, or a gateway
 * restart during one, loses nothing.
 */
export interface ShippedCursor {
  destination: string;
  id: number;
}

export function readCursor(file: string): ShippedCursor | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<ShippedCursor>;
    return typeof value.destination === 'string' && Number.isInteger(value.id) ? { destination: value.destination, id: value.id! } : null;
  } catch {
    return null;
  }
}

/** Written to a temporary file and renamed, so a crash leaves the old cursor or the new one. */
export function writeCursor(file: string, cursor: ShippedCursor): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(cursor), { mode: 0o600 });
  renameSync(tmp, file);
}
