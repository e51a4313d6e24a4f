/** Pure checks and formatting for the connection settings. */

export type KeyProblem = 'required' | 'spaces';

export function keyProblem(key: string): KeyProblem | null {
  if (key.trim() === '') return 'required';
  if (/\s/.test(key.trim())) return 'spaces';
  return null;
}

/** A base URL Parley can call: http(s) only, with no credentials, query or fragment to leak. */
export function normalizeBaseUrl(input: string): string | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash) return null;
  // Rebuilt from its parts: an empty `?` or `#` left in would swallow the paths the SDK appends.
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** `sk-…6789`: enough to recognise a key, never enough to use it. */
export function maskKey(key: string): string {
  const visible = key.length > 12 ? key.slice(-4) : '';
  const prefix = /^sk-(proj-)?/.exec(key)?.[0] ?? '';
  return `${prefix}…${visible}`;
}
