/**
 * Reads OpenAI's rate-limit headers (x-ratelimit-limit-requests, -remaining-tokens,
 * -reset-requests, ...). A browser can read them only when the endpoint lists them in
 * Access-Control-Expose-Headers, so every field may be missing.
 */

export interface RateLimitSnapshot {
  limitRequests?: number;
  remainingRequests?: number;
  /** Milliseconds until the request window refills. */
  resetRequestsMs?: number;
  limitTokens?: number;
  remainingTokens?: number;
  resetTokensMs?: number;
}

type HeaderSource = Headers | Record<string, string | null | undefined> | undefined;

function read(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  return headers[name] ?? undefined;
}

function count(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/**
 * A reset duration as OpenAI writes it: "1s", "6m0s", "20ms", "1h2m3.5s", or plain seconds.
 * Anything else is undefined rather than a guess.
 */
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return undefined;
  return Math.round(
    parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_MS[unit ?? ''] ?? 0), 0),
  );
}

export function parseRateLimitHeaders(headers: HeaderSource): RateLimitSnapshot | undefined {
  const snapshot: RateLimitSnapshot = {};
  const set = (key: keyof RateLimitSnapshot, value: number | undefined) => {
    if (value !== undefined) snapshot[key] = value;
  };
  set('limitRequests', count(read(headers, 'x-ratelimit-limit-requests')));
  set('remainingRequests', count(read(headers, 'x-ratelimit-remaining-requests')));
  set('resetRequestsMs', parseDurationMs(read(headers, 'x-ratelimit-reset-requests')));
  set('limitTokens', count(read(headers, 'x-ratelimit-limit-tokens')));
  set('remainingTokens', count(read(headers, 'x-ratelimit-remaining-tokens')));
  set('resetTokensMs', parseDurationMs(read(headers, 'x-ratelimit-reset-tokens')));
  return Object.keys(snapshot).length > 0 ? snapshot : undefined;
}

/**
 * After a 429, the wait the headers imply: the reset of whichever window is exhausted (requests
 * or tokens), when the endpoint exposes it.
 */
export function exhaustedResetMs(snapshot: RateLimitSnapshot | undefined): number | undefined {
  if (!snapshot) return undefined;
  const waits: number[] = [];
  if (snapshot.remainingRequests === 0 && snapshot.resetRequestsMs !== undefined) {
    waits.push(snapshot.resetRequestsMs);
  }
  if (snapshot.remainingTokens === 0 && snapshot.resetTokensMs !== undefined) {
    waits.push(snapshot.resetTokensMs);
  }
  return waits.length > 0 ? Math.max(...waits) : undefined;
}
