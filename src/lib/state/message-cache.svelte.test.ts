import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../domain/types';
import { MessageCache, type MessageStore } from './message-cache.svelte';

function reply(content: string): Message {
  return {
    id: 'r',
    conversationId: 'c',
    parentId: null,
    role: 'assistant',
    content,
    status: 'streaming',
    createdAt: 1,
    updatedAt: 1,
  };
}

function failingStore() {
  const putMessage = vi.fn((_message: Message) =>
    Promise.reject(new DOMException('full', 'QuotaExceededError')),
  );
  const store: MessageStore = {
    listMessages: () => Promise.resolve([]),
    putMessage,
    interruptStreaming: () => Promise.resolve([]),
  };
  return { store, putMessage };
}

describe('MessageCache writes on a full disk', () => {
  it('a newer write goes next, not after the older one’s retries, and memory keeps the newest', async () => {
    const { store, putMessage } = failingStore();
    const delays: (() => void)[] = [];
    const cache = new MessageCache({
      store,
      report: vi.fn(),
      isBusy: () => false,
      // Retries wait until the test lets them go.
      retryDelay: () => new Promise<void>((resolve) => delays.push(resolve)),
    });
    cache.upsert('c', [reply('')]);
    cache.write(reply('Half'));
    await vi.waitFor(() => expect(delays).toHaveLength(1));
    cache.write(reply('Half and whole'));
    expect(cache.unsavedMessages().map((m) => m.content)).toEqual(['Half and whole']);

    delays.shift()?.();
    await vi.waitFor(() => expect(putMessage).toHaveBeenCalledTimes(2));
    // The second attempt was the newer text; the older one gave way instead of trying again.
    expect(putMessage.mock.calls.map(([m]) => m.content)).toEqual(['Half', 'Half and whole']);
    expect(cache.isUnsaved('r')).toBe(true);
    expect(cache.unsavedMessages().map((m) => m.content)).toEqual(['Half and whole']);
  });
});

describe('MessageCache writes still under way', () => {
  it('lists the newest version of each message until its last write has landed', async () => {
    const landed: (() => void)[] = [];
    const store: MessageStore = {
      listMessages: () => Promise.resolve([]),
      putMessage: () => new Promise<void>((resolve) => landed.push(resolve)),
      interruptStreaming: () => Promise.resolve([]),
    };
    const cache = new MessageCache({ store, report: vi.fn(), isBusy: () => false });
    cache.upsert('c', [reply('')]);
    expect(cache.writingMessages()).toEqual([]);
    cache.write(reply('Half'));
    cache.write({ ...reply('Half and whole'), status: 'complete' });
    expect(cache.writingMessages().map((m) => m.content)).toEqual(['Half and whole']);

    await vi.waitFor(() => expect(landed).toHaveLength(1));
    landed.shift()?.();
    // The older write landed; the newer one is still on its way.
    await vi.waitFor(() => expect(landed).toHaveLength(1));
    expect(cache.writingMessages().map((m) => m.content)).toEqual(['Half and whole']);
    landed.shift()?.();
    await cache.settled(['r']);
    expect(cache.writingMessages()).toEqual([]);
  });
});
