import { describe, expect, it, vi } from 'vitest';
import { UpdateState, type Register } from './update.svelte';

describe('UpdateState', () => {
  it('offers an update only when a new version waits, and activates it only when asked', async () => {
    const activate = vi.fn(() => Promise.resolve());
    let needRefresh: (() => void) | undefined;
    const register: Register = (options) => {
      needRefresh = options.onNeedRefresh;
      return activate;
    };
    const updates = new UpdateState();
    updates.start(register);
    expect(updates.isUpdateWaiting).toBe(false);
    needRefresh?.();
    expect(updates.isUpdateWaiting).toBe(true);
    expect(activate).not.toHaveBeenCalled();
    await updates.update();
    expect(activate).toHaveBeenCalledWith(true);
  });

  it('does nothing when no worker was registered', async () => {
    await expect(new UpdateState().update()).resolves.toBeUndefined();
  });
});
