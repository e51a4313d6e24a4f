import { describe, expect, it } from 'vitest';
import type { ApiErrorKind } from '../domain/types';
import { backoffMs, isRetryable, MAX_RETRIES, retryDelayMs } from './retry';

describe('isRetryable', () => {
  it.each<[ApiErrorKind, boolean]>([
    ['rate_limit', true],
    ['server', true],
    ['network', true],
    ['quota', false],
    ['auth', false],
    ['permission', false],
    ['not_found', false],
    ['bad_request', false],
    ['context_length', false],
    ['incomplete', false],
    ['aborted', false],
  ])('%s → %s', (kind, expected) => {
    expect(isRetryable(kind)).toBe(expected);
  });
});

describe('backoffMs', () => {
  it('doubles its ceiling each attempt, with jitter between half and all of it', () => {
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const ceiling = 1000 * 2 ** attempt;
      expect(backoffMs(attempt, () => 0)).toBe(ceiling / 2);
      expect(backoffMs(attempt, () => 1)).toBe(ceiling);
      const jittered = backoffMs(attempt, () => 0.5);
      expect(jittered).toBeGreaterThan(ceiling / 2);
      expect(jittered).toBeLessThan(ceiling);
    }
  });

  it('never waits more than a minute', () => {
    expect(backoffMs(20, () => 1)).toBe(60_000);
  });

  it('spreads clients that failed together', () => {
    const waits = new Set(Array.from({ length: 20 }, () => backoffMs(3)));
    expect(waits.size).toBeGreaterThan(1);
  });
});

describe('retryDelayMs', () => {
  it('honours retry-after over backoff', () => {
    expect(retryDelayMs({ retryAfterSeconds: 7, resetMs: undefined }, 0, () => 0)).toBe(7000);
  });

  it('uses the exhausted window reset when there is no retry-after', () => {
    expect(retryDelayMs({ retryAfterSeconds: undefined, resetMs: 2500 }, 0, () => 0)).toBe(2500);
  });

  it('falls back to backoff, and caps what the server asks at a minute', () => {
    expect(retryDelayMs({ retryAfterSeconds: undefined, resetMs: undefined }, 2, () => 0)).toBe(
      2000,
    );
    expect(retryDelayMs({ retryAfterSeconds: 3600, resetMs: undefined }, 0)).toBe(60_000);
  });

  it('waits at least a moment even when told zero', () => {
    expect(retryDelayMs({ retryAfterSeconds: 0, resetMs: undefined }, 0)).toBe(250);
  });
});
