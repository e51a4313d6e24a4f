import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors';
import { MAX_RETRIES } from '../api/retry';
import { RateLimiter } from '../domain/rate-limiter';
import type { Waiting } from '../domain/waiting';
import { requestWithRetries, type RequestLoop } from './request-loop';

function loop<T>(attempt: () => Promise<T>, overrides: Partial<RequestLoop<T>> = {}) {
  let time = 0;
  const waits: (Waiting | null)[] = [];
  const slept: number[] = [];
  const options: RequestLoop<T> = {
    attempt,
    limiter: new RateLimiter(() => time),
    limits: () => ({ requestsPerMinute: null, tokensPerMinute: null }),
    tokens: 10,
    onWait: (waiting) => waits.push(waiting),
    hasNewText: () => false,
    now: () => time,
    sleep: (ms) => {
      slept.push(ms);
      time += ms;
      return Promise.resolve();
    },
    ...overrides,
  };
  return { options, waits, slept };
}

describe('requestWithRetries', () => {
  it('returns the first success without waiting', async () => {
    const { options, waits } = loop(() => Promise.resolve('ok'));
    await expect(requestWithRetries(new AbortController().signal, options)).resolves.toBe('ok');
    expect(waits).toEqual([]);
  });

  it('retries a server error with a visible wait, then succeeds', async () => {
    const attempt = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new ApiError('server', 'boom', { status: 500 }))
      .mockResolvedValueOnce('ok');
    const { options, waits } = loop(attempt);
    await expect(requestWithRetries(new AbortController().signal, options)).resolves.toBe('ok');
    expect(attempt).toHaveBeenCalledTimes(2);
    expect(waits[0]).toMatchObject({ kind: 'retry', attempt: 1, error: 'server' });
    expect(waits[1]).toBeNull();
  });

  it('honours retry-after', async () => {
    const attempt = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new ApiError('rate_limit', 'slow down', { retryAfterSeconds: 7 }))
      .mockResolvedValueOnce('ok');
    const { options, slept } = loop(attempt);
    await requestWithRetries(new AbortController().signal, options);
    expect(slept).toEqual([7_000]);
  });

  it('never retries a final error, nor any error once text arrived', async () => {
    const bad = vi.fn(() => Promise.reject(new ApiError('bad_request', 'no')));
    await expect(
      requestWithRetries(new AbortController().signal, loop(bad).options),
    ).rejects.toMatchObject({ kind: 'bad_request' });
    expect(bad).toHaveBeenCalledTimes(1);

    const cut = vi.fn(() => Promise.reject(new ApiError('network', 'cut')));
    const { options } = loop(cut, { hasNewText: () => true });
    await expect(requestWithRetries(new AbortController().signal, options)).rejects.toThrow();
    expect(cut).toHaveBeenCalledTimes(1);
  });

  it('gives up after MAX_RETRIES retries with the last error', async () => {
    const attempt = vi.fn(() => Promise.reject(new ApiError('server', 'down', { status: 503 })));
    await expect(
      requestWithRetries(new AbortController().signal, loop(attempt).options),
    ).rejects.toMatchObject({ kind: 'server' });
    expect(attempt).toHaveBeenCalledTimes(MAX_RETRIES + 1);
  });

  it('queues under a client-side limit, and a stop while queued sends nothing', async () => {
    const controller = new AbortController();
    const attempt = vi.fn(() => Promise.resolve('ok'));
    let time = 0;
    const limiter = new RateLimiter(() => time);
    limiter.record(10);
    const { options, waits } = loop(attempt, {
      limiter,
      now: () => time,
      limits: () => ({ requestsPerMinute: 1, tokensPerMinute: null }),
      sleep: (ms) => {
        time += ms;
        controller.abort();
        return Promise.resolve();
      },
    });
    await expect(requestWithRetries(controller.signal, options)).resolves.toBeNull();
    expect(waits[0]).toMatchObject({ kind: 'queue', until: 60_000 });
    expect(attempt).not.toHaveBeenCalled();
  });

  it('a stop during a retry wait ends with the error that caused it', async () => {
    const controller = new AbortController();
    const attempt = vi.fn(() => Promise.reject(new ApiError('server', 'down', { status: 500 })));
    const { options } = loop(attempt, {
      sleep: () => {
        controller.abort();
        return Promise.resolve();
      },
    });
    await expect(requestWithRetries(controller.signal, options)).rejects.toMatchObject({
      kind: 'server',
    });
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('calls attempt afresh each time, so a retry uses the settings in force then', async () => {
    const seen: string[] = [];
    let endpoint = 'https://a.example';
    const attempt = vi.fn(() => {
      seen.push(endpoint);
      if (seen.length === 1) {
        endpoint = 'https://b.example';
        return Promise.reject(new ApiError('server', 'down', { status: 500 }));
      }
      return Promise.resolve('ok');
    });
    await requestWithRetries(new AbortController().signal, loop(attempt).options);
    expect(seen).toEqual(['https://a.example', 'https://b.example']);
  });
});
