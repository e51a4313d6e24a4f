/**
 * When to retry a failed request and how long to wait first. Pure: the caller owns the timers.
 *
 * Retried: rate limits (429 rate_limit_exceeded), server errors and network failures, which pass.
 * Never retried: an empty quota, a rejected key, a missing model, a bad request, a context that
 * is too long (retrying cannot fix those), and a stream that broke after text arrived (the person
 * chooses between Continue and Retry, so nothing they read is replaced behind their back).
 */
import type { ApiErrorKind } from '../domain/types';
import type { ApiError } from './errors';

export { MAX_RETRIES } from '../domain/waiting';
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 60_000;

export function isRetryable(kind: ApiErrorKind): boolean {
  return kind === 'rate_limit' || kind === 'server' || kind === 'network';
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): a random wait between half and all of base·2^attempt, so many clients that failed
 * together do not retry together. `attempt` counts from 0 for the first retry.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * How long to wait before retry number `attempt`: what the server asked for (retry-after,
 * retry-after-ms, or the reset of the exhausted x-ratelimit window) when it said, else backoff.
 * A server's request wins over backoff even when longer, up to a minute.
 */
export function retryDelayMs(
  error: Pick<ApiError, 'retryAfterSeconds' | 'resetMs'>,
  attempt: number,
  random: () => number = Math.random,
): number {
  const asked =
    error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : error.resetMs;
  if (asked !== undefined && asked >= 0) return Math.min(MAX_DELAY_MS, Math.max(asked, 250));
  return backoffMs(attempt, random);
}
