/** Pure checks and formatting for the connection settings. */

export type KeyProblem = 'required' | 'spaces';

export function keyProblem(key: string): KeyProblem | null {
  if (key.trim() === '') return 'required';
  if (/\s/.test(key.trim())) return 'spaces';
  return null;
}

/**
 * Hosts plain http may reach: a server on this computer. The Content-Security-Policy
 * (vite.config.ts, connect-src) allows exactly these, so any other http URL is refused here with
 * words rather than failing later as an unexplained network error.
 */
const LOCAL_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1']);

/**
 * A base URL Parley can call: https, or http to this computer; no credentials, query or fragment
 * to leak.
 */
export function normalizeBaseUrl(input: string): string | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname)) return null;
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

export type PassphraseProblem = 'required' | 'short' | 'mismatch';

/** Long enough that guessing it through 600,000 PBKDF2 rounds a try is not quick. */
export const MIN_PASSPHRASE_LENGTH = 8;

/** Checks a new passphrase and its repetition (typed twice: a typo would lock the key away). */
export function passphraseProblem(passphrase: string, repeat: string): PassphraseProblem | null {
  if (passphrase === '') return 'required';
  if (Array.from(passphrase).length < MIN_PASSPHRASE_LENGTH) return 'short';
  if (passphrase !== repeat) return 'mismatch';
  return null;
}
