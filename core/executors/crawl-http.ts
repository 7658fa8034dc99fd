/** The crawler's HTTP side: content types, charsets and a body read that stops at a byte cap. */

export interface ContentType {
  /** Lowercased type/subtype, '' when the header is missing. */
  mime: string;
  charset: string | null;
}

export function parseContentType(header: string | null): ContentType {
  if (!header) return { mime: '', charset: null };
  const [type, ...params] = header.split(';');
  let charset: string | null = null;
  for (const p of params) {
    const [k, v] = p.split('=');
    if (k?.trim().toLowerCase() === 'charset' && v) charset = v.trim().replace(/^["']|["']$/g, '').toLowerCase();
  }
  return { mime: (type ?? '').trim().toLowerCase(), charset };
}

export const readableTypes = ['text/html', 'text/plain'] as const;

export function isReadableType(mime: string): boolean {
  return (readableTypes as readonly string[]).includes(mime);
}

/**
 * Reads a body until it ends or `maxBytes` have arrived; past the cap it
 * stops reading (cancelling the stream, so the rest is never downloaded).
 */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (!body) return { bytes: new Uint8Array(0), truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - total;
      if (value.byteLength >= room) {
        if (room > 0) chunks.push(value.subarray(0, room));
        total += Math.max(room, 0);
        // exactly at the cap is not truncated unless more follows
        truncated = value.byteLength > room || !(await reader.read()).done;
        break;
      }
      chunks.push(value);
      total += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes, truncated };
}

/** A <meta charset> or http-equiv declaration in the first KiB of an HTML page. */
function sniffHtmlCharset(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)/i.exec(head);
  return m?.[1]?.toLowerCase() ?? null;
}

/** Decodes a body: the header's charset, else (for HTML) the page's own, else UTF-8. */
export function decodeBody(bytes: Uint8Array, ct: ContentType): string {
  const candidates = [ct.charset, ct.mime === 'text/html' ? sniffHtmlCharset(bytes) : null, 'utf-8'];
  for (const label of candidates) {
    if (!label) continue;
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // unknown label: try the next
    }
  }
  return new TextDecoder().decode(bytes);
}

export const redirectStatuses = new Set([301, 302, 303, 307, 308]);
