import { readFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { branchTo } from '../domain/conversation';
import { readImportFile } from './read';
import { ImportRefused, type ImportBatch, type ImportRefusal } from './types';

const NOW = Date.UTC(2026, 0, 1);
const FILE_TIME = Date.UTC(2025, 5, 1);

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

function read(content: string | Uint8Array, limits = {}): Promise<ImportBatch> {
  return readImportFile(new Blob([content as BlobPart]), { now: NOW, fileTime: FILE_TIME, limits });
}

async function refusal(content: string | Uint8Array, limits = {}): Promise<ImportRefusal> {
  try {
    await read(content, limits);
  } catch (error) {
    if (error instanceof ImportRefused) return error.refusal;
    throw error;
  }
  throw new Error('not refused');
}

function shown(batch: ImportBatch, index = 0) {
  const conversation = batch.conversations[index];
  if (!conversation) throw new Error('no conversation');
  return branchTo(conversation.messages, conversation.currentLeafId).map((m) => [
    m.role,
    m.content,
  ]);
}

describe('ChatGPT export', () => {
  it('turns the mapping tree into messages, opened on current_node, with every branch kept', async () => {
    const batch = await read(fixture('chatgpt-conversations.json'));
    expect(batch.format).toBe('chatgpt');
    const [kyoto, prime] = batch.conversations;
    expect(kyoto?.title).toBe('Trip to Kyoto');
    expect(kyoto?.createdAt).toBe(1714550400123);
    expect(kyoto?.params.model).toBe('gpt-4o');
    // Custom instructions become the system prompt; the empty system message is dropped.
    expect(kyoto?.systemPrompt).toBe('I live in Lyon and travel by train.\n\nAnswer briefly.');
    expect(shown(batch)).toEqual([
      ['user', 'What temple is this, and how do I get there?'],
      ['assistant', 'Kinkaku-ji, open 9:00–17:00. Bus 205 or 101 from Kyoto Station.'],
    ]);
    // The regenerated reply is a sibling version of the shown one.
    const replies = kyoto?.messages.filter((m) => m.role === 'assistant') ?? [];
    expect(replies.map((m) => m.content)).toContain(
      'That is Kinkaku-ji. Take bus 205 from Kyoto Station.',
    );
    expect(new Set(replies.map((m) => m.parentId)).size).toBe(1);
    // Browsing call and result: notes on the reply, not turns.
    const final = replies.find((m) => m.content.startsWith('Kinkaku-ji, open'));
    expect(final?.notes?.map((n) => [n.kind, n.label])).toEqual([
      ['tool', 'browser'],
      ['tool', 'browser'],
    ]);
    expect(final?.model).toBe('gpt-4o');
    // The image: a note with its name, counted once although listed twice by ChatGPT.
    const question = kyoto?.messages.find((m) => m.role === 'user');
    expect(question?.notes).toEqual([{ kind: 'attachment', label: 'image', text: 'temple.jpg' }]);
    expect(batch.notes.images).toBe(1);
    expect(batch.notes.toolOutputs).toBe(2);
    // Reasoning models: thoughts become the reply's reasoning; the recap is left out.
    expect(shown(batch, 1)).toEqual([
      ['user', 'Is 97 prime?'],
      ['assistant', 'Yes, 97 is prime.'],
    ]);
    const answer = prime?.messages.find((m) => m.role === 'assistant');
    expect(answer?.reasoning).toBe('Checking divisors\n97 is not divisible by 2, 3, 5 or 7.');
    expect(prime?.params.model).toBe('o3');
  });

  it('reads the zip as downloaded, including split conversations-NNN.json files', async () => {
    const [first, second] = JSON.parse(fixture('chatgpt-conversations.json')) as unknown[];
    const zip = zipSync({
      'chat.html': strToU8('<html></html>'),
      'user.json': strToU8('{"id":"user-1"}'),
      'conversations-000.json': strToU8(JSON.stringify([first])),
      'conversations-001.json': strToU8(JSON.stringify([second])),
      'file-Abc123-temple.jpg': new Uint8Array([1, 2, 3]),
    });
    const batch = await read(zip);
    expect(batch.format).toBe('chatgpt');
    expect(batch.conversations.map((c) => c.title)).toEqual(['Trip to Kyoto', 'Prime check']);
  });

  it('refuses a zip without a conversations file', async () => {
    const zip = zipSync({ 'notes.txt': strToU8('hello') });
    expect(await refusal(zip)).toEqual({ kind: 'zip-without-conversations' });
  });
});

describe('other clients', () => {
  it('BetterChatGPT, current form', async () => {
    const batch = await read(fixture('betterchatgpt-export.json'));
    expect(batch.format).toBe('betterchatgpt');
    const [chat] = batch.conversations;
    expect(chat?.title).toBe('Haiku about rain');
    expect(chat?.systemPrompt).toBe('You are a poet.');
    expect(chat?.params).toMatchObject({ model: 'gpt-4', maxTokens: 4000, temperature: 0.7 });
    expect(shown(batch)).toEqual([
      ['user', 'Write a haiku about rain.'],
      ['assistant', 'Soft rain on the roof\ncounting seconds in the dark\nthe gutters answer'],
    ]);
  });

  it('BetterChatGPT, legacy bare array without ids', async () => {
    const batch = await read(fixture('betterchatgpt-legacy.json'));
    expect(batch.format).toBe('betterchatgpt');
    expect(batch.conversations[0]?.systemPrompt).toContain('You are ChatGPT');
    expect(shown(batch)).toEqual([
      ['user', 'Hello'],
      ['assistant', 'Hi! How can I help?'],
    ]);
    // Same file, same ids: what makes a second import change nothing.
    const again = await read(fixture('betterchatgpt-legacy.json'));
    expect(again.conversations[0]?.id).toBe(batch.conversations[0]?.id);
  });

  it('NextChat backup: sessions, mask prompt and model, never the saved key', async () => {
    const text = fixture('nextchat-backup.json');
    const batch = await read(text);
    expect(batch.format).toBe('nextchat');
    const [session] = batch.conversations;
    expect(session?.title).toBe('Regex help');
    expect(session?.systemPrompt).toBe('You write regular expressions.');
    expect(session?.params).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.5 });
    expect(shown(batch).map(([role]) => role)).toEqual(['user', 'assistant', 'user']);
    expect(session?.messages[2]?.content).toBe('And this screenshot?');
    expect(session?.messages[2]?.notes).toEqual([
      { kind: 'attachment', label: 'image', text: 'image' },
    ]);
    expect(batch.notes.images).toBe(1);
    expect(JSON.stringify(batch)).not.toContain('sk-nextchat-secret');
  });

  it('LibreChat, tree form, with both versions of a reply', async () => {
    const batch = await read(fixture('librechat-tree.json'));
    expect(batch.format).toBe('librechat');
    const [chat] = batch.conversations;
    expect(chat?.title).toBe('Sourdough starter');
    expect(chat?.systemPrompt).toBe('You are a baker.');
    expect(chat?.messages.map((m) => m.content)).toEqual([
      'How do I feed a starter?',
      'Equal weights of flour and water, daily.',
      'Feed it 1:1:1 by weight every 24 hours.',
    ]);
    expect(chat?.messages[1]?.parentId).toBe(chat?.messages[0]?.id);
    expect(chat?.messages[2]?.parentId).toBe(chat?.messages[0]?.id);
    expect(chat?.messages[0]?.notes).toEqual([
      { kind: 'attachment', label: 'image', text: 'starter.png' },
    ]);
    expect(chat?.messages[0]?.createdAt).toBe(Date.parse('2024-05-03T14:00:00.000Z'));
  });

  it('LibreChat, flat form', async () => {
    const batch = await read(fixture('librechat-flat.json'));
    expect(batch.format).toBe('librechat');
    expect(shown(batch)).toEqual([
      ['user', 'Hi'],
      ['assistant', 'Hello!'],
    ]);
  });

  it('chatbot-ui export', async () => {
    const batch = await read(fixture('chatbot-ui-export.json'));
    expect(batch.format).toBe('chatbot-ui');
    expect(batch.conversations[0]?.title).toBe('SQL joins');
    expect(batch.conversations[0]?.params).toMatchObject({
      model: 'gpt-3.5-turbo',
      temperature: 0.5,
    });
    expect(batch.conversations[0]?.systemPrompt).toContain('Respond using markdown.');
    expect(shown(batch)).toHaveLength(2);
  });

  it('Open WebUI export: history tree and currentId', async () => {
    const batch = await read(fixture('open-webui-export.json'));
    expect(batch.format).toBe('open-webui');
    const [chat] = batch.conversations;
    expect(chat?.systemPrompt).toBe('You are a chef.');
    expect(chat?.params.model).toBe('llama3.1:8b');
    expect(chat?.messages).toHaveLength(3);
    expect(shown(batch)).toEqual([
      ['user', 'How much pasta for four people?'],
      ['assistant', 'Roughly 100 g per person, so 400 g.'],
    ]);
    expect(chat?.createdAt).toBe(1714700000000);
  });

  it('refuses JSON of no known format, and text that is not JSON', async () => {
    expect(await refusal('{"hello":"world"}')).toEqual({ kind: 'unknown-format' });
    expect(await refusal('[{"a":1}]')).toEqual({ kind: 'unknown-format' });
    expect(await refusal('not json at all')).toEqual({ kind: 'not-json' });
    expect(await refusal('[{"title":"x","mapping":{}}')).toEqual({ kind: 'not-json' });
  });
});
