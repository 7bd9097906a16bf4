import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../protocol/index.js';

/** Sign-in bodies are a few hundred bytes; anything far bigger is not one. */
const MAX_JSON_BODY = 16 * 1024;

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: number; code: string; message: string };

/**
 * A JSON request body. Only `POST` with `application/json`: a page of another origin cannot send
 * that without a CORS preflight, which this server never answers (Fetch standard, CORS-safelisted
 * request headers).
 */
export async function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
  if (req.method !== 'POST') return { ok: false, status: 405, code: ErrorCode.INVALID_MESSAGE, message: 'use POST' };
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    return { ok: false, status: 415, code: ErrorCode.INVALID_MESSAGE, message: 'send application/json' };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY) return { ok: false, status: 413, code: ErrorCode.FRAME_TOO_LARGE, message: `request body over ${MAX_JSON_BODY} bytes` };
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, status: 400, code: ErrorCode.MALFORMED_JSON, message: 'the request body is not JSON' };
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
