import { describe, expect, it } from 'vitest';
import { estimateRequestTokens, RateLimiter, WINDOW_MS } from './rate-limiter';

function limiter() {
  let now = 1_000_000;
  const state = new RateLimiter(() => now);
  return {
    state,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('RateLimiter', () => {
  it('never waits without limits', () => {
    const { state } = limiter();
    for (let i = 0; i < 100; i++) state.record(10_000);
    expect(state.waitMs(10_000, { requestsPerMinute: null, tokensPerMinute: null })).toBe(0);
  });

  it('holds a request over the per-minute count until the oldest leaves the window', () => {
    const { state, advance } = limiter();
    const limits = { requestsPerMinute: 2, tokensPerMinute: null };
    state.record(1);
    advance(10_000);
    state.record(1);
    expect(state.waitMs(1, limits)).toBe(WINDOW_MS - 10_000);
    advance(WINDOW_MS - 10_000);
    expect(state.waitMs(1, limits)).toBe(0);
  });

  it('holds a request over the token budget until enough tokens expire', () => {
    const { state, advance } = limiter();
    const limits = { requestsPerMinute: null, tokensPerMinute: 1000 };
    state.record(600);
    advance(5_000);
    state.record(300);
    expect(state.waitMs(100, limits)).toBe(0);
    expect(state.waitMs(200, limits)).toBe(WINDOW_MS - 5_000);
    advance(WINDOW_MS - 5_000);
    expect(state.waitMs(200, limits)).toBe(0);
  });

  it('lets a request bigger than the whole budget go once the window is empty, never never', () => {
    const { state, advance } = limiter();
    const limits = { requestsPerMinute: null, tokensPerMinute: 1000 };
    state.record(500);
    expect(state.waitMs(5000, limits)).toBe(WINDOW_MS);
    advance(WINDOW_MS);
    expect(state.waitMs(5000, limits)).toBe(0);
  });

  it('reports what the window holds', () => {
    const { state, advance } = limiter();
    state.record(10);
    state.record(20);
    expect(state.usage()).toEqual({ requests: 2, tokens: 30 });
    advance(WINDOW_MS);
    expect(state.usage()).toEqual({ requests: 0, tokens: 0 });
  });
});

describe('estimateRequestTokens', () => {
  it('counts the prompt at about four characters a token plus the reply budget, per choice', () => {
    const messages = [{ content: 'a'.repeat(400) }, { content: 'b'.repeat(40) }];
    expect(estimateRequestTokens(messages, 500, 1000)).toBe(100 + 4 + 10 + 4 + 500);
    expect(estimateRequestTokens(messages, undefined, 1000, 3)).toBe(118 + 3000);
  });
});
