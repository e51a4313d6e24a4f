import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PARAMS, DEFAULT_SETTINGS } from '../domain/defaults';
import type { Conversation, Message } from '../domain/types';
import { openStore, type ParleyStore } from '../storage';
import { BackupState } from './backup.svelte';

const conversation: Conversation = {
  id: 'c',
  title: 'Kept',
  isTitleCustom: false,
  systemPrompt: '',
  params: { ...DEFAULT_PARAMS },
  createdAt: 1,
  updatedAt: 2,
  currentLeafId: 'm',
  presetId: null,
};
const message: Message = {
  id: 'm',
  conversationId: 'c',
  parentId: null,
  role: 'user',
  content: 'Hello',
  status: 'complete',
  createdAt: 1,
  updatedAt: 1,
};

async function freshStore(): Promise<ParleyStore> {
  return openStore({ name: 'parley-backup-test', indexedDB: new IDBFactory() });
}

function fileOf(text: string) {
  return { text: () => Promise.resolve(text) };
}

describe('BackupState', () => {
  it('downloads a dated JSON file with the history and without the key', async () => {
    const store = await freshStore();
    await store.putSettings({ ...DEFAULT_SETTINGS, apiKey: 'sk-never-exported' });
    await store.restoreConversation(conversation, [message]);
    const save = vi.fn<(name: string, blob: Blob) => void>();
    const backup = new BackupState({ store, save, now: () => Date.UTC(2025, 5, 7, 12) });

    await backup.download();

    expect(save).toHaveBeenCalledOnce();
    const [name, blob] = save.mock.calls[0] ?? [];
    expect(name).toBe('parley-export-2025-06-07.json');
    expect(blob?.type).toBe('application/json');
    const text = (await blob?.text()) ?? '';
    expect(text).not.toContain('sk-never-exported');
    expect(JSON.parse(text)).toMatchObject({
      format: 'parley-export',
      version: 1,
      conversations: [{ id: 'c', messages: [{ id: 'm', content: 'Hello' }] }],
    });
    expect(backup.lastExport).toEqual({ name, conversations: 1 });
    store.close();
  });

  it('imports what it exported into another profile', async () => {
    const source = await freshStore();
    await source.restoreConversation(conversation, [message]);
    let exported = '';
    await new BackupState({
      store: source,
      save: (_name, blob) => void blob.text().then((text) => (exported = text)),
    }).download();
    await vi.waitFor(() => {
      expect(exported).not.toBe('');
    });

    const target = await freshStore();
    const outcome = await new BackupState({ store: target, save: vi.fn() }).import(
      fileOf(exported),
    );
    expect(outcome).toEqual({
      type: 'imported',
      summary: {
        conversations: { added: 1, updated: 0, kept: 0 },
        messages: { added: 1, updated: 0, kept: 0 },
        presets: { added: 0, updated: 0, kept: 0 },
      },
    });
    expect(await target.listConversations()).toEqual([conversation]);
    expect(await target.listMessages('c')).toEqual([message]);
    source.close();
    target.close();
  });

  it.each([
    ['not JSON at all', 'not-json'],
    ['{"format":"something-else"}', 'not-export'],
    [
      '{"format":"parley-export","version":1,"conversations":[{"title":"no id","messages":[]}]}',
      'invalid',
    ],
  ])('refuses %j (%s) and changes nothing', async (text, kind) => {
    const store = await freshStore();
    await store.restoreConversation(conversation, [message]);
    const importAll = vi.spyOn(store, 'importAll');
    const backup = new BackupState({ store, save: vi.fn() });

    const outcome = await backup.import(fileOf(text));

    expect(outcome.type).toBe('refused');
    expect(outcome.type === 'refused' && outcome.problem.kind).toBe(kind);
    expect(backup.lastImport).toEqual(outcome);
    expect(importAll).not.toHaveBeenCalled();
    expect(await store.listConversations()).toEqual([conversation]);
    expect(backup.isBusy).toBe(false);
    store.close();
  });

  it('a storage failure rejects (for the problem banner) and leaves it not busy', async () => {
    const store = await freshStore();
    store.close();
    const backup = new BackupState({ store, save: vi.fn() });
    await expect(
      backup.import(fileOf('{"format":"parley-export","version":1,"conversations":[]}')),
    ).rejects.toThrow();
    expect(backup.isBusy).toBe(false);
    await expect(backup.download()).rejects.toThrow();
  });
});
