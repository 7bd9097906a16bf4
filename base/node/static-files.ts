import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The one path guard of every static server: the file a URL path names inside `root`, or null
 * when it would escape it (`..`, an encoded `%2e%2e`, a NUL byte, a malformed escape). `/` is
 * `index.html`; a query string is ignored.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = normalize(join(root, decoded === '/' || decoded === '' ? 'index.html' : decoded));
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}

/**
 * Files kept in memory once read, while unchanged on disk (same size and modification time):
 * a built page is a few hundred KiB that every page load asks for again. Read anew for each
 * request, each read held a file descriptor until done, and a flood of page loads from one
 * address held as many files open as it had requests in flight, besides their sockets
 * (README "Connection floods"). Bounded: beyond CACHED_BYTES, files are read each time.
 */
const CACHED_BYTES = 32 * 1024 * 1024;
interface Cached {
  size: number;
  mtimeMs: number;
  /** The bytes, or the read under way that every request arriving meanwhile waits for. */
  body: Promise<Buffer | null>;
}
const cache = new Map<string, Cached>();
let cachedBytes = 0;

/** The file a URL path names inside `root`, with its content type; null when outside or missing. */
export async function readStatic(root: string, urlPath: string): Promise<{ body: Buffer; type: string } | null> {
  const file = resolveInside(root, urlPath);
  if (!file) return null;
  let size: number;
  let mtimeMs: number;
  try {
    const info = await stat(file); // no descriptor held
    if (!info.isFile()) return null;
    [size, mtimeMs] = [info.size, info.mtimeMs];
  } catch {
    return null;
  }
  const body = await bytesOf(file, size, mtimeMs);
  return body && { body, type: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' };
}

function bytesOf(file: string, size: number, mtimeMs: number): Promise<Buffer | null> {
  const known = cache.get(file);
  if (known && known.size === size && known.mtimeMs === mtimeMs) return known.body;
  if (known) forget(file, known);
  const body = readFile(file).catch(() => null);
  if (cachedBytes + size <= CACHED_BYTES) {
    const entry = { size, mtimeMs, body };
    cache.set(file, entry);
    cachedBytes += size;
    // A read that failed (the file went between stat and read) is not kept.
    void body.then((bytes) => {
      if (bytes === null && cache.get(file) === entry) forget(file, entry);
    });
  }
  return body;
}

function forget(file: string, entry: Cached): void {
  cache.delete(file);
  cachedBytes -= entry.size;
}
