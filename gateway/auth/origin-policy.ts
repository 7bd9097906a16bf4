/**
 * Which web pages may open the gateway's WebSocket (RFC 6455 10.2: servers that are not meant
 * for any page must check `Origin`). A browser always sends it, so a page of another origin is
 * refused at the upgrade, before a single message. Allowed: the gateway's own pages (the onsite
 * console, served from the origin the browser used to reach the gateway), and configured extras.
 * No `Origin` at all means a program, not a page (the workstation's main process, `larmor
 * record`): it is let through to the hello, which needs a valid session credential anyway.
 */
export class OriginPolicy {
  private readonly extras: Set<string>;

  constructor(extras: readonly string[] = []) {
    this.extras = new Set(extras.map(normaliseOrigin));
  }

  allows(origin: string | undefined, host: string | undefined, secure: boolean): boolean {
    if (origin === undefined) return true;
    const seen = normaliseOrigin(origin);
    if (host !== undefined && seen === normaliseOrigin(`${secure ? 'https' : 'http'}://${host}`)) return true;
    return this.extras.has(seen);
  }
}

function normaliseOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin.toLowerCase();
  }
}
