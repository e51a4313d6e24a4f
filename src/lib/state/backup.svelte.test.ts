import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PARAMS, DEFAULT_SETTINGS } from '../domain/defaults';
import type { Conversation, Message } from '../domain/types';
import { unzipSync, strFromU8 } from 'fflate';
import { ImportJobError } from '../import/client';
import { readImportFile } from '../import/read';
import { applyImport, previewImport } from '../import/session';
import { ImportRefused } from '../import/types';
import { openStore, type ParleyStore } from '../storage';
import { BackupState, type StartImport } from './backup.svelte';

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

function fileOf(text: string): File {
  return new File([text], 'chosen.json', { lastModified: 1_000 });
}

/** The worker's job, run in-process against the same store (Node has no module workers). */
function inProcess(store: ParleyStore, onCancel = vi.fn()): StartImport {
  return (file, options) => {
    const batch = readImportFile(file, {
      now: options.now,
      fileTime: file.lastModified,
      onProgress: options.onProgress,
    });
    const asJobError = (error: unknown) => {
      throw error instanceof ImportRefused
        ? new ImportJobError({ type: 'refused', refusal: error.refusal })
        : error;
    };
    return {
      preview: batch.then((read) => previewImport(store, read, options.now)).catch(asJobError),
      apply: async () => {
        const { result, undo } = await applyImport(store, await batch, options.now);
        return { report: result, undo };
      },
      cancel: onCancel,
    };
  };
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

  it('puts in the text only memory holds (a full disk), even of a conversation never stored', async () => {
    const store = await freshStore();
    await store.restoreConversation(conversation, [message]);
    const reply: Message = {
      ...message,
      id: 'r',
      parentId: 'm',
      role: 'assistant',
      content: 'Written while the disk was full',
      createdAt: 2,
    };
    const edited: Message = { ...message, content: 'Hello, edited' };
    const unstored: Conversation = { ...conversation, id: 'new', title: 'Never stored' };
    const save = vi.fn<(name: string, blob: Blob) => void>();
    const backup = new BackupState({
      store,
      save,
      unsaved: () => [edited, reply, { ...message, id: 'x', conversationId: 'new' }],
      conversation: (id) => (id === 'new' ? unstored : null),
    });

    await backup.download();

    const file = JSON.parse((await save.mock.calls[0]?.[1].text()) ?? '{}') as {
      conversations: { id: string; messages: { id: string; content: string }[] }[];
    };
    expect(file.conversations.map((c) => [c.id, c.messages.map((m) => m.content)])).toEqual([
      ['c', ['Hello, edited', 'Written while the disk was full']],
      ['new', ['Hello']],
    ]);
    store.close();
  });

  it('saves a zip of Markdown files, one per conversation', async () => {
    const store = await freshStore();
    await store.restoreConversation(conversation, [message]);
    await store.restoreConversation({ ...conversation, id: 'd', title: 'Other' }, [
      { ...message, id: 'n', conversationId: 'd' },
    ]);
    const save = vi.fn<(name: string, blob: Blob) => void>();
    const backup = new BackupState({ store, save, now: () => Date.UTC(2025, 5, 7, 12) });

    await backup.downloadMarkdown();

    const [name, blob] = save.mock.calls[0] ?? [];
    expect(name).toBe('parley-markdown-2025-06-07.zip');
    const files = unzipSync(new Uint8Array(await (blob as Blob).arrayBuffer()));
    const names = Object.keys(files).sort();
    expect(names).toEqual(['1970-01-01 Kept (c).md', '1970-01-01 Other (d).md']);
    const text = strFromU8(files['1970-01-01 Kept (c).md'] ?? new Uint8Array());
    expect(text).toContain('# Kept');
    expect(text).toContain('### User · 1970-01-01 00:00 UTC\n\nHello');
    store.close();
  });

  it('imports what it exported into another profile, after the summary and Import', async () => {
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
    const onImported = vi.fn();
    const backup = new BackupState({
      store: target,
      save: vi.fn(),
      startImport: inProcess(target),
      onImported,
    });
    await backup.chooseFile(fileOf(exported));
    expect(backup.phase).toMatchObject({
      type: 'review',
      report: { format: 'parley', totals: { new: 1 }, rows: [{ title: 'Kept', outcome: 'new' }] },
    });
    // Nothing is written before Import.
    expect(await target.listConversations()).toEqual([]);

    await backup.confirmImport();
    expect(backup.phase.type).toBe('imported');
    expect(onImported).toHaveBeenCalledOnce();
    expect(await target.listConversations()).toEqual([conversation]);
    expect(await target.listMessages('c')).toEqual([message]);

    await backup.undoImport();
    expect(backup.phase.type).toBe('undone');
    expect(await target.listConversations()).toEqual([]);
    source.close();
    target.close();
  });

  it('Cancel on the summary writes nothing', async () => {
    const store = await freshStore();
    const onCancel = vi.fn();
    const backup = new BackupState({
      store,
      save: vi.fn(),
      startImport: inProcess(store, onCancel),
    });
    await backup.chooseFile(
      fileOf(
        JSON.stringify({
          format: 'parley-export',
          version: 1,
          conversations: [{ ...conversation, messages: [message] }],
        }),
      ),
    );
    expect(backup.phase.type).toBe('review');
    backup.cancelImport();
    expect(onCancel).toHaveBeenCalledOnce();
    expect(backup.phase).toEqual({ type: 'idle' });
    expect(await store.listConversations()).toEqual([]);
    store.close();
  });

  it.each([
    ['not JSON at all', 'not-json'],
    ['{"format":"something-else"}', 'unknown-format'],
    [
      '{"format":"parley-export","version":1,"conversations":[{"title":"no id","messages":[]}]}',
      'invalid',
    ],
  ])('refuses %j (%s) and changes nothing', async (text, kind) => {
    const store = await freshStore();
    await store.restoreConversation(conversation, [message]);
    const backup = new BackupState({ store, save: vi.fn(), startImport: inProcess(store) });

    await backup.chooseFile(fileOf(text));

    expect(backup.phase.type).toBe('refused');
    expect(backup.phase.type === 'refused' && backup.phase.refusal.kind).toBe(kind);
    expect(await store.listConversations()).toEqual([conversation]);
    expect(backup.isBusy).toBe(false);
    store.close();
  });

  it('a storage failure rejects (for the problem banner) and leaves it not busy', async () => {
    const store = await freshStore();
    store.close();
    const backup = new BackupState({ store, save: vi.fn(), startImport: inProcess(store) });
    await expect(
      backup.chooseFile(fileOf('{"format":"parley-export","version":1,"conversations":[]}')),
    ).rejects.toThrow();
    expect(backup.isBusy).toBe(false);
    await expect(backup.download()).rejects.toThrow();
  });
});
