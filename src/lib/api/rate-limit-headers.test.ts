import { describe, expect, it } from 'vitest';
import { exhaustedResetMs, parseDurationMs, parseRateLimitHeaders } from './rate-limit-headers';

describe('parseDurationMs', () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1h2m3.5s', 3_723_500],
    ['0.5s', 500],
    ['17', 17_000],
    ['2.5', 2500],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', 'soon', '1x', '5s later', '-1s', undefined])('%j → undefined', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});

describe('parseRateLimitHeaders', () => {
  it('reads every header OpenAI sends', () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '10000',
      'x-ratelimit-remaining-requests': '9999',
      'x-ratelimit-reset-requests': '6ms',
      'x-ratelimit-limit-tokens': '200000',
      'x-ratelimit-remaining-tokens': '199950',
      'x-ratelimit-reset-tokens': '15ms',
    });
    expect(parseRateLimitHeaders(headers)).toEqual({
      limitRequests: 10000,
      remainingRequests: 9999,
      resetRequestsMs: 6,
      limitTokens: 200000,
      remainingTokens: 199950,
      resetTokensMs: 15,
    });
  });

  it('takes what is readable and nothing when nothing is (CORS hides the rest)', () => {
    expect(parseRateLimitHeaders({ 'x-ratelimit-remaining-tokens': '42' })).toEqual({
      remainingTokens: 42,
    });
    expect(parseRateLimitHeaders(new Headers())).toBeUndefined();
    expect(parseRateLimitHeaders(undefined)).toBeUndefined();
    expect(parseRateLimitHeaders({ 'x-ratelimit-remaining-tokens': 'lots' })).toBeUndefined();
  });
});

describe('exhaustedResetMs', () => {
  it('is the reset of the window that ran out (the longer one when both did)', () => {
    expect(exhaustedResetMs({ remainingRequests: 0, resetRequestsMs: 1000 })).toBe(1000);
    expect(
      exhaustedResetMs({
        remainingRequests: 0,
        resetRequestsMs: 1000,
        remainingTokens: 0,
        resetTokensMs: 4000,
      }),
    ).toBe(4000);
    expect(exhaustedResetMs({ remainingRequests: 3, resetRequestsMs: 1000 })).toBeUndefined();
    expect(exhaustedResetMs(undefined)).toBeUndefined();
  });
});
