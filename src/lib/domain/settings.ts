/** Pure checks and formatting for the connection settings. */
import type { Settings } from './types';

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

export type ApiVersionProblem = 'required' | 'format';

/**
 * A dated Azure OpenAI api-version: `2024-10-21`, or a preview like `2025-04-01-preview`. The
 * undated `v1`, `preview` and `latest` belong to Azure's v1 API, which lives at another path
 * (…/openai/v1, no deployment in it) and takes the plain OpenAI client: for that one, choose
 * "OpenAI or compatible" with that path as the Base URL.
 */
const AZURE_API_VERSION = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-preview)?$/;

export function apiVersionProblem(version: string): ApiVersionProblem | null {
  const trimmed = version.trim();
  if (trimmed === '') return 'required';
  return AZURE_API_VERSION.test(trimmed) ? null : 'format';
}

/**
 * An Azure resource endpoint, e.g. `https://my-resource.openai.azure.com`. The SDK appends
 * `/openai` itself, so an endpoint pasted with it (as some Azure pages show it) loses it here.
 */
export function normalizeAzureEndpoint(input: string): string | null {
  return normalizeBaseUrl(input)?.replace(/\/openai$/i, '') ?? null;
}

/** Where the next chat request goes, as the request preview shows it (never with the key). */
export function chatCompletionsUrl(
  settings: Pick<Settings, 'baseUrl' | 'provider' | 'azureApiVersion'>,
  model: string,
): string {
  if (settings.provider === 'openai') return `${settings.baseUrl}/chat/completions`;
  const version = encodeURIComponent(settings.azureApiVersion ?? '');
  return `${settings.baseUrl}/openai/deployments/${model}/chat/completions?api-version=${version}`;
}

/** Both URLs parse and share scheme, host and port. A URL that does not parse matches nothing. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
