/**
 * Clients that keep a conversation as a plain list of OpenAI-style messages, with at most a
 * system prompt and settings beside it: BetterChatGPT, chatbot-ui (v1, the exported
 * `{ version, history, folders, prompts }`) and NextChat (its backup of the whole app state).
 * None of them stores per-message times except NextChat, so the others take the file's time:
 * the same file gives the same records on every import.
 */
import type { ChatParams, Message } from '../../domain/types';
import {
  anyTime,
  array,
  chain,
  contentText,
  conversation,
  digest,
  finiteNumber,
  nonEmpty,
  object,
  own,
  role,
  text,
  type Json,
  type MessageFields,
} from '../read-json';
import type { ImportedConversation, ImportNotes } from '../types';

export interface SimpleContext {
  notes: ImportNotes;
  /** When the file was last modified: the time of records that carry none. */
  fileTime: number;
}

type Item = Omit<MessageFields, 'id' | 'conversationId' | 'parentId'>;

/**
 * A leading run of system messages becomes the system prompt (how these clients send one);
 * system messages later in the chat stay messages.
 */
function splitSystem(items: Item[]): { systemPrompt: string; rest: Item[] } {
  let index = 0;
  const prompts: string[] = [];
  while (index < items.length && items[index]?.role === 'system') {
    prompts.push(items[index]?.content ?? '');
    index += 1;
  }
  return { systemPrompt: prompts.join('\n\n'), rest: items.slice(index) };
}

function listItems(
  list: unknown,
  context: SimpleContext,
  time: (record: Json | undefined, index: number) => number,
): { items: Item[]; ids: (string | undefined)[] } {
  const items: Item[] = [];
  const ids: (string | undefined)[] = [];
  array(list).forEach((entry, index) => {
    const record = object(entry);
    const messageRole = role(own(record, 'role'));
    if (!messageRole) {
      context.notes.unreadable += 1;
      return;
    }
    const content = contentText(own(record, 'content'), () => {
      context.notes.images += 1;
    });
    const model = nonEmpty(own(record, 'model'));
    items.push({
      role: messageRole,
      content,
      createdAt: time(record, index),
      ...(model ? { model } : {}),
    });
    ids.push(nonEmpty(own(record, 'id')));
  });
  return { items, ids };
}

/** Same time for every message of a chat without times would make their order ambiguous. */
function fileOrder(context: SimpleContext) {
  return (_record: Json | undefined, index: number) => context.fileTime + index;
}

function withImageNotes(messages: Message[], list: unknown): Message[] {
  // Image parts were counted by contentText; name them on their message as well.
  const entries = array(list).filter((entry) => role(own(object(entry), 'role')) !== undefined);
  messages.forEach((item, index) => {
    const content = own(object(entries[index]), 'content');
    if (!Array.isArray(content)) return;
    const images = content.filter((part) => {
      const type = own(object(part), 'type');
      return type === 'image_url' || type === 'image';
    }).length;
    if (images > 0) {
      item.notes = Array.from({ length: images }, () => ({
        kind: 'attachment',
        label: 'image',
        text: 'image',
      }));
    }
  });
  return messages;
}

// --- BetterChatGPT -------------------------------------------------------------------------

/** An element of BetterChatGPT's chat list (current `{ chats }` or the legacy bare array). */
export function isBetterChatGptChat(value: unknown): boolean {
  const record = object(value);
  return (
    Array.isArray(own(record, 'messages')) &&
    typeof own(record, 'title') === 'string' &&
    (object(own(record, 'config')) !== undefined || typeof own(record, 'titleSet') === 'boolean')
  );
}

export function convertBetterChatGpt(
  value: unknown,
  context: SimpleContext,
): ImportedConversation[] {
  const record = object(value);
  if (!record || !isBetterChatGptChat(record)) {
    context.notes.unreadable += 1;
    return [];
  }
  const title = text(own(record, 'title')) ?? '';
  const list = own(record, 'messages');
  const sourceId = nonEmpty(own(record, 'id')) ?? digest(`${title}\n${JSON.stringify(list)}`);
  const id = `betterchatgpt-${sourceId}`;
  const config = object(own(record, 'config'));
  const { items } = listItems(list, context, fileOrder(context));
  const { systemPrompt, rest } = splitSystem(items);
  const skipped = items.length - rest.length;
  const messages = chain(id, rest);
  withImageNotes(messages, array(list).slice(skipped));
  const model = nonEmpty(own(config, 'model'));
  return [
    conversation(
      {
        id,
        title,
        systemPrompt,
        params: openAiParams(config),
        createdAt: context.fileTime,
        updatedAt: context.fileTime + items.length,
        currentLeafId: messages.at(-1)?.id ?? null,
        ...(model ? { model } : {}),
      },
      messages.map((item) => (model && item.role === 'assistant' ? { ...item, model } : item)),
    ),
  ];
}

/** OpenAI request settings as these clients store them (snake_case). */
function openAiParams(config: Json | undefined): Partial<ChatParams> {
  const params: Partial<ChatParams> = {};
  const temperature = finiteNumber(own(config, 'temperature'));
  if (temperature !== undefined) params.temperature = temperature;
  const maxTokens = finiteNumber(own(config, 'max_tokens'));
  if (maxTokens !== undefined && Number.isSafeInteger(maxTokens) && maxTokens > 0)
    params.maxTokens = maxTokens;
  const topP = finiteNumber(own(config, 'top_p'));
  if (topP !== undefined) params.topP = topP;
  const presence = finiteNumber(own(config, 'presence_penalty'));
  if (presence !== undefined) params.presencePenalty = presence;
  const frequency = finiteNumber(own(config, 'frequency_penalty'));
  if (frequency !== undefined) params.frequencyPenalty = frequency;
  return params;
}

// --- chatbot-ui (v1) -----------------------------------------------------------------------

/** A conversation of chatbot-ui's export (`history[]`), or of its oldest bare-array export. */
export function isChatbotUiConversation(value: unknown): boolean {
  const record = object(value);
  return (
    Array.isArray(own(record, 'messages')) &&
    typeof own(record, 'name') === 'string' &&
    object(own(record, 'model')) !== undefined
  );
}

export function convertChatbotUi(value: unknown, context: SimpleContext): ImportedConversation[] {
  const record = object(value);
  if (!record || !isChatbotUiConversation(record)) {
    context.notes.unreadable += 1;
    return [];
  }
  const title = text(own(record, 'name')) ?? '';
  const list = own(record, 'messages');
  const sourceId = nonEmpty(own(record, 'id')) ?? digest(`${title}\n${JSON.stringify(list)}`);
  const id = `chatbot-ui-${sourceId}`;
  const model = nonEmpty(own(object(own(record, 'model')), 'id'));
  const { items } = listItems(list, context, fileOrder(context));
  const { systemPrompt: leading, rest } = splitSystem(items);
  const prompt = text(own(record, 'prompt')) ?? '';
  const messages = chain(id, rest);
  const temperature = finiteNumber(own(record, 'temperature'));
  return [
    conversation(
      {
        id,
        title,
        systemPrompt: [prompt, leading].filter((part) => part !== '').join('\n\n'),
        params: temperature === undefined ? {} : { temperature },
        createdAt: context.fileTime,
        updatedAt: context.fileTime + items.length,
        currentLeafId: messages.at(-1)?.id ?? null,
        ...(model ? { model } : {}),
      },
      messages,
    ),
  ];
}

// --- NextChat --------------------------------------------------------------------------------

export const NEXTCHAT_STORE = 'chat-next-web-store';

/** The sessions of a NextChat backup (its store may be saved as an object or as JSON text). */
export function nextChatSessions(document: Json): unknown[] | undefined {
  let store = own(document, NEXTCHAT_STORE);
  if (typeof store === 'string') {
    try {
      store = JSON.parse(store) as unknown;
    } catch {
      return undefined;
    }
  }
  const state = object(own(object(store), 'state')) ?? object(store);
  const sessions = own(state, 'sessions');
  return Array.isArray(sessions) ? sessions : undefined;
}

export function convertNextChatSession(
  value: unknown,
  context: SimpleContext,
): ImportedConversation[] {
  const record = object(value);
  const list = own(record, 'messages');
  if (!record || !Array.isArray(list)) {
    context.notes.unreadable += 1;
    return [];
  }
  const lastUpdate = anyTime(own(record, 'lastUpdate')) ?? context.fileTime;
  const title = text(own(record, 'topic')) ?? '';
  const sourceId = nonEmpty(own(record, 'id')) ?? digest(`${title}\n${String(lastUpdate)}`);
  const id = `nextchat-${sourceId}`;
  const mask = object(own(record, 'mask'));
  const modelConfig = object(own(mask, 'modelConfig'));
  // The mask's context: its system messages are the prompt, others lead the chat (few-shot).
  const maskContext = listItems(
    own(mask, 'context'),
    context,
    (_r, index) => lastUpdate - 1000 + index,
  );
  const { systemPrompt, rest: fewShot } = splitSystem(maskContext.items);
  const timed = listItems(
    list,
    context,
    (entry, index) => anyTime(own(entry, 'date')) ?? lastUpdate + index,
  );
  const all = [...fewShot, ...timed.items];
  const ids = [...fewShot.map((_, index) => `context-${String(index)}`), ...timed.ids];
  const messages = chain(id, all, ids);
  withImageNotes(messages.slice(fewShot.length), list);
  const memory = text(own(record, 'memoryPrompt')) ?? '';
  const model = nonEmpty(own(modelConfig, 'model'));
  const createdAt = Math.min(lastUpdate, ...messages.map((item) => item.createdAt));
  return [
    conversation(
      {
        id,
        title,
        systemPrompt: [systemPrompt, memory].filter((part) => part !== '').join('\n\n'),
        params: openAiParams(modelConfig),
        createdAt,
        updatedAt: lastUpdate,
        currentLeafId: messages.at(-1)?.id ?? null,
        ...(model ? { model } : {}),
      },
      messages,
    ),
  ];
}
