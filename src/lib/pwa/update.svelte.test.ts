import { describe, expect, it, vi } from 'vitest';
import {
  TAKEOVER_RETRY_MS,
  TAKEOVER_TRIES,
  UPDATE_CHECK_INTERVAL_MS,
  UpdateState,
  type Register,
} from './update.svelte';

/** A registerSW stand-in that hands the test the callbacks Parley gave it. */
function fakeRegister() {
  const activate = vi.fn(() => Promise.resolve());
  let options: Parameters<Register>[0] | undefined;
  const register: Register = (given) => {
    options = given;
    return activate;
  };
  return {
    register,
    activate,
    callbacks: () => {
      if (!options) throw new Error('not registered');
      return options;
    },
  };
}

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function setup() {
  const reload = vi.fn();
  const checks: { ms: number; check: () => void }[] = [];
  const timers: { ms: number; then: () => void }[] = [];
  const updates = new UpdateState({
    reload,
    every: (ms, check) => checks.push({ ms, check }),
    after: (ms, then) => timers.push({ ms, then }),
  });
  const fake = fakeRegister();
  updates.start(fake.register);
  /** Runs the timers set so far, as if their time had come. */
  const elapse = () => {
    for (const timer of timers.splice(0)) timer.then();
  };
  return { updates, reload, checks, timers, elapse, ...fake };
}

describe('UpdateState', () => {
  it('offers an update only when a new version waits, and activates it only when asked', async () => {
    const { updates, activate, callbacks } = setup();
    expect(updates.isUpdateWaiting).toBe(false);
    callbacks().onNeedRefresh();
    expect(updates.isUpdateWaiting).toBe(true);
    expect(activate).not.toHaveBeenCalled();
    await updates.update();
    expect(activate).toHaveBeenCalledWith(true);
  });

  it('asks the waiting version again until it takes over, then says it has not and lets the person retry', async () => {
    const { updates, activate, callbacks, timers, elapse } = setup();
    callbacks().onNeedRefresh();
    await updates.update();
    expect(activate).toHaveBeenCalledTimes(1);
    expect(timers.map((timer) => timer.ms)).toEqual([TAKEOVER_RETRY_MS]);
    for (let ask = 2; ask <= TAKEOVER_TRIES; ask += 1) {
      elapse();
      expect(activate).toHaveBeenCalledTimes(ask);
      expect(updates.isTakeoverLate).toBe(false);
    }
    elapse();
    expect(activate).toHaveBeenCalledTimes(TAKEOVER_TRIES);
    expect(updates.isTakeoverLate).toBe(true);
    expect(timers).toEqual([]);
    // A second yes starts over, and the first yes's timers (none left here) cannot interfere.
    await updates.update();
    expect(updates.isTakeoverLate).toBe(false);
    expect(activate).toHaveBeenCalledTimes(TAKEOVER_TRIES + 1);
    expect(timers).toHaveLength(1);
  });

  it('stops asking once the new version controls the tab', async () => {
    const { updates, activate, reload, callbacks, timers, elapse } = setup();
    await updates.update();
    callbacks().onNeedReload();
    expect(reload).toHaveBeenCalledTimes(1);
    elapse();
    expect(activate).toHaveBeenCalledTimes(1);
    expect(timers).toEqual([]);
    expect(updates.isTakeoverLate).toBe(false);
  });

  it('a second yes stops the first one’s asks', async () => {
    const { updates, activate, timers, elapse } = setup();
    await updates.update();
    await updates.update();
    expect(timers).toHaveLength(2);
    elapse();
    // Only the second yes asks again.
    expect(activate).toHaveBeenCalledTimes(3);
    expect(timers).toHaveLength(1);
  });

  it('does nothing when no worker was registered', async () => {
    await expect(new UpdateState().update()).resolves.toBeUndefined();
  });

  it('the tab that accepted reloads as soon as the new version controls it, streams or not', async () => {
    const { updates, reload, callbacks } = setup();
    updates.holdReloadUntil(new Promise(() => undefined));
    await updates.update();
    callbacks().onNeedReload();
    expect(reload).toHaveBeenCalledTimes(1);
    // registerSW and controllerchange may both report it: one reload.
    updates.newVersionControls();
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('another tab’s update reloads this one only once its streams have ended', async () => {
    const { updates, reload } = setup();
    const first = deferred();
    const second = deferred();
    updates.holdReloadUntil(first.promise);
    updates.holdReloadUntil(second.promise);
    updates.newVersionControls();
    expect(updates.isReloadPending).toBe(true);
    expect(reload).not.toHaveBeenCalled();
    first.resolve();
    await first.promise;
    await Promise.resolve();
    expect(reload).not.toHaveBeenCalled();
    second.resolve();
    await vi.waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
  });

  it('a stream that fails counts as ended; an idle tab reloads at once', async () => {
    const { updates, reload } = setup();
    const failing = Promise.reject(new Error('stream failed'));
    updates.holdReloadUntil(failing);
    await failing.catch(() => undefined);
    await Promise.resolve();
    updates.newVersionControls();
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('streams that end while no update is pending reload nothing', async () => {
    const { updates, reload } = setup();
    const stream = deferred();
    updates.holdReloadUntil(stream.promise);
    stream.resolve();
    await stream.promise;
    await Promise.resolve();
    expect(reload).not.toHaveBeenCalled();
  });

  it('asks the registration for an update every hour; a failed check is quiet', () => {
    const { checks, callbacks } = setup();
    const update = vi.fn(() => Promise.reject(new Error('offline')));
    callbacks().onRegisteredSW('./sw.js', { update } as unknown as ServiceWorkerRegistration);
    expect(checks.map((c) => c.ms)).toEqual([UPDATE_CHECK_INTERVAL_MS]);
    expect(UPDATE_CHECK_INTERVAL_MS).toBe(60 * 60 * 1000);
    expect(update).not.toHaveBeenCalled();
    checks[0]?.check();
    checks[0]?.check();
    expect(update).toHaveBeenCalledTimes(2);
  });

  it('a chunk that failed to load turns into an offer to reload', () => {
    const { updates, reload } = setup();
    expect(updates.hasChunkFailed).toBe(false);
    updates.chunkFailed();
    expect(updates.hasChunkFailed).toBe(true);
    updates.reload();
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
