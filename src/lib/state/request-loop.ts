/**
 * One request, as many times as it takes. First it waits while the client-side rate limits say so
 * (a visible countdown), then it tries; a retryable failure before any text arrived waits
 * (retry-after, the rate-limit reset, or backoff, also visible) and tries again, up to
 * MAX_RETRIES. Stop during a wait ends it: a queued request resolves `null`, a retry rethrows the
 * last error. Plain TypeScript with everything injected, so the loop is tested without runes.
 */
import type { ApiError } from '../api/errors';
import { isRetryable, MAX_RETRIES, retryDelayMs } from '../api/retry';
import type { Limits, RateLimiter } from '../domain/rate-limiter';
import type { Waiting } from '../domain/waiting';

export interface RequestLoop<T> {
  /** One try. Called afresh each time, so a retry uses the settings in force when it runs. */
  attempt: () => Promise<T>;
  limiter: RateLimiter;
  limits: () => Limits;
  /** What the request counts against a tokens-per-minute limit. */
  tokens: number;
  /** Told what the request waits for, and `null` when the wait is over. */
  onWait: (waiting: Waiting | null) => void;
  /** Told every failure (the page keeps the rate-limit headers an error carried). */
  onError?: (error: ApiError) => void;
  /** True once text arrived: a failure then is never retried (the person chooses). */
  hasNewText: () => boolean;
  now: () => number;
  /** Defaults to a timer that the signal cuts short. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export async function requestWithRetries<T>(
  signal: AbortSignal,
  loop: RequestLoop<T>,
): Promise<T | null> {
  const sleep = loop.sleep ?? abortableSleep;
  for (let attempt = 0; ; attempt++) {
    const queued = loop.limiter.waitMs(loop.tokens, loop.limits());
    if (queued > 0) {
      loop.onWait({ kind: 'queue', until: loop.now() + queued });
      await sleep(queued, signal);
      loop.onWait(null);
      if (signal.aborted) return null;
    }
    loop.limiter.record(loop.tokens);
    try {
      return await loop.attempt();
    } catch (thrown) {
      // Loaded on the first failure only: the error module is not first-load code.
      const { toApiError } = await import('../api/errors');
      const error = toApiError(thrown, loop.hasNewText());
      loop.onError?.(error);
      const canRetry = isRetryable(error.kind) && !loop.hasNewText() && attempt < MAX_RETRIES;
      if (!canRetry || signal.aborted) throw error;
      const delay = retryDelayMs(error, attempt);
      loop.onWait({
        kind: 'retry',
        until: loop.now() + delay,
        attempt: attempt + 1,
        error: error.kind,
      });
      await sleep(delay, signal);
      loop.onWait(null);
      // Stop pressed during the wait (TypeScript cannot see the await change `aborted`).
      if (isAborted(signal)) throw error;
    }
  }
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
