/** An Ollama host as a person types it: made into an address, or refused with a sentence. */
export const bareHost = (host: string): string => host.trim().replace(/\/+$/, '');

/** Adds http:// when a person types "192.168.1.20:11434". A scheme with nothing after it ("http://") is left for hostProblem to refuse. */
export function normalizeHostInput(text: string): string {
  if (/^\s*[a-z][a-z0-9+.-]*:\/*\s*$/i.test(text)) return text.trim();
  const t = bareHost(text);
  if (!t) return t;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`;
}

/** A reason a typed host cannot be used, or null. */
export function hostProblem(text: string, existing: string[]): string | null {
  const h = normalizeHostInput(text);
  if (!h) return 'Write the address of an Ollama host, like http://192.168.1.20:11434.';
  let url: URL;
  try {
    url = new URL(h);
  } catch {
    return 'That is not an address; write it like http://192.168.1.20:11434.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Ollama hosts are reached over http:// or https://.';
  if (!url.hostname) return 'That is not an address; write it like http://192.168.1.20:11434.';
  if (existing.some((e) => bareHost(e) === h)) return 'This host is already in the list.';
  return null;
}
