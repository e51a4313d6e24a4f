import { describe, expect, it, vi } from 'vitest';
import { DeleteAllState, type DeleteAllChannel, type DeleteAllDeps } from './delete-all.svelte';

/** A channel pair standing in for two tabs' BroadcastChannel('parley'). */
function channels(): [FakeChannel, FakeChannel] {
  const a = new FakeChannel();
  const b = new FakeChannel();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class FakeChannel implements DeleteAllChannel {
  peer: FakeChannel | undefined;
  readonly sent: unknown[] = [];
  readonly listeners: ((event: MessageEvent) => void)[] = [];

  postMessage(message: unknown): void {
    this.sent.push(message);
    // Like BroadcastChannel: delivered to the others, not to the sender.
    for (const listener of this.peer?.listeners ?? []) {
      listener(new MessageEvent('message', { data: message }));
    }
  }

  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.listeners.push(listener);
  }
}

function deps(overrides: Partial<DeleteAllDeps> = {}) {
  const order: string[] = [];
  const base: DeleteAllDeps = {
    close: vi.fn(() => order.push('close')),
    deleteStorage: vi.fn(() => {
      order.push('deleteStorage');
      return Promise.resolve();
    }),
    channel: null,
    reload: vi.fn(() => order.push('reload')),
    ...overrides,
  };
  return { deps: base, order };
}

describe('DeleteAllState', () => {
  it('closes this tab’s database, deletes, tells the other tabs, then reloads', async () => {
    const [mine, theirs] = channels();
    const { deps: here, order } = deps({ channel: mine });
    const { deps: there } = deps({ channel: theirs });
    const state = new DeleteAllState(here);
    new DeleteAllState(there);

    await state.deleteAll();
    expect(order).toEqual(['close', 'deleteStorage', 'reload']);
    expect(mine.sent).toEqual([{ type: 'delete-all' }]);
    // The other tab let go of its database and reloaded.
    expect(there.close).toHaveBeenCalledOnce();
    expect(there.reload).toHaveBeenCalledOnce();
    expect(there.deleteStorage).not.toHaveBeenCalled();
  });

  it('tells the other tabs only after the deletion was issued', async () => {
    const [mine] = channels();
    let sentBeforeIssue: number | undefined;
    const { deps: here } = deps({
      channel: mine,
      deleteStorage: () => {
        sentBeforeIssue = mine.sent.length;
        return Promise.resolve();
      },
    });
    await new DeleteAllState(here).deleteAll();
    expect(sentBeforeIssue).toBe(0);
    expect(mine.sent).toHaveLength(1);
  });

  it('while blocked it says so, asks again, and finishes once the other tab lets go', async () => {
    const [mine] = channels();
    let finish: () => void = () => undefined;
    const { deps: here } = deps({
      channel: mine,
      deleteStorage: (onBlocked) =>
        new Promise<void>((resolve) => {
          finish = resolve;
          queueMicrotask(onBlocked);
        }),
    });
    const state = new DeleteAllState(here);
    const done = state.deleteAll();
    await vi.waitFor(() => expect(state.status).toBe('waiting'));
    expect(mine.sent).toHaveLength(2);
    expect(here.reload).not.toHaveBeenCalled();
    finish();
    await done;
    expect(here.reload).toHaveBeenCalledOnce();
  });

  it('a failed deletion rejects, does not reload, and can be tried again', async () => {
    const failure = new Error('UnknownError');
    const { deps: here } = deps({ deleteStorage: vi.fn(() => Promise.reject(failure)) });
    const state = new DeleteAllState(here);
    await expect(state.deleteAll()).rejects.toBe(failure);
    expect(state.status).toBe('idle');
    expect(here.reload).not.toHaveBeenCalled();
    await expect(state.deleteAll()).rejects.toBe(failure);
    expect(here.deleteStorage).toHaveBeenCalledTimes(2);
  });

  it('ignores other messages on the channel, and a second click while deleting', async () => {
    const [mine, theirs] = channels();
    const { deps: there } = deps({ channel: theirs });
    new DeleteAllState(there);
    mine.postMessage({ type: 'settings' });
    mine.postMessage('delete-all');
    expect(there.close).not.toHaveBeenCalled();

    const { deps: here } = deps();
    const state = new DeleteAllState(here);
    await Promise.all([state.deleteAll(), state.deleteAll()]);
    expect(here.deleteStorage).toHaveBeenCalledOnce();
  });
});
