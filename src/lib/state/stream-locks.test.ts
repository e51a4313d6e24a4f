import { describe, expect, it } from 'vitest';
import { createStreamLocks } from './stream-locks';
import type { LockRequester } from './stream-locks';

/** Exclusive locks by name, as the Web Locks API grants them (one page, so one client). */
class FakeLocks {
  readonly #held = new Set<string>();
  readonly #queues = new Map<string, (() => void)[]>();

  readonly request = (async (
    name: string,
    optionsOrCallback: LockOptions | LockGrantedCallback<unknown>,
    maybeCallback?: LockGrantedCallback<unknown>,
  ): Promise<unknown> => {
    const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
    const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback;
    if (!callback) throw new TypeError('no callback');
    if (this.#held.has(name)) {
      if (options.ifAvailable) return callback(null);
      await new Promise<void>((resolve) => {
        this.#queues.set(name, [...(this.#queues.get(name) ?? []), resolve]);
      });
    }
    this.#held.add(name);
    try {
      const lock: Lock = { name, mode: 'exclusive' };
      return await callback(lock);
    } finally {
      this.#held.delete(name);
      const [next, ...rest] = this.#queues.get(name) ?? [];
      this.#queues.set(name, rest);
      next?.();
    }
  }) as LockRequester['request'];
}

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createStreamLocks', () => {
  it('a held reply is alive until its stream ends; then waiters go on', async () => {
    const locks = createStreamLocks(new FakeLocks());
    const stream = deferred();
    locks.hold('r1', stream.promise);
    await tick();
    expect(await locks.isAlive('r1')).toBe(true);
    expect(await locks.isAlive('other')).toBe(false);

    let hasEnded = false;
    void locks.whenEnded('r1').then(() => (hasEnded = true));
    await tick();
    expect(hasEnded).toBe(false);

    stream.resolve();
    await tick();
    expect(hasEnded).toBe(true);
    expect(await locks.isAlive('r1')).toBe(false);
  });

  it('a stream that fails releases its lock too', async () => {
    const locks = createStreamLocks(new FakeLocks());
    locks.hold('r1', Promise.reject(new Error('network')));
    await tick();
    expect(await locks.isAlive('r1')).toBe(false);
  });

  it('whenEnded resolves at once for a reply nobody streams', async () => {
    await expect(createStreamLocks(new FakeLocks()).whenEnded('r1')).resolves.toBeUndefined();
  });

  it('without the Web Locks API every reply reads as not streaming anywhere', async () => {
    const locks = createStreamLocks(undefined);
    locks.hold('r1', new Promise(() => undefined));
    expect(await locks.isAlive('r1')).toBe(false);
    await expect(locks.whenEnded('r1')).resolves.toBeUndefined();
  });

  it('a lock manager that throws reads as not streaming', async () => {
    const broken = {
      request: () => Promise.reject(new DOMException('gone', 'InvalidStateError')),
    } as unknown as LockRequester;
    const locks = createStreamLocks(broken);
    locks.hold('r1', Promise.resolve());
    expect(await locks.isAlive('r1')).toBe(false);
    await expect(locks.whenEnded('r1')).resolves.toBeUndefined();
  });
});
