/**
 * ChatState test set-up shared by its test files: Map-backed storage (FakeDb), a hand-driven fake
 * ChatApi (each test decides when text arrives and how the stream ends) and record factories.
 */
import { vi } from 'vitest';
import type { ChatApi } from '../../api/client';
import type { DeltaHandler, DeltaPart, StreamResult } from '../../api/stream';
import { DEFAULT_PARAMS } from '../../domain/defaults';
import type { Limits } from '../../domain/rate-limiter';
import type { ChatRequestBody } from '../../domain/request';
import type { Conversation, Message, Usage } from '../../domain/types';
import { CHAT_INFO, REASONING_INFO } from '../../models/testing/infos';
import type { ModelInfo } from '../../models/types';
import { ChatState } from '../chat.svelte';
import { ConversationsState } from '../conversations.svelte';
import { FakeDb } from './fake-db';

export const SNAPSHOT = 'gpt-4o-mini-2024-07-18';
export const USAGE: Usage = { promptTokens: 20, completionTokens: 8, totalTokens: 28 };

/** One streamChat call, driven by the test. Stopping resolves with the text so far. */
export interface StreamCall {
  body: ChatRequestBody;
  signal: AbortSignal;
  emit(text: string, index?: number, part?: DeltaPart): void;
  /** Without `choices`, every choice seen (at least choice 0) ends with `stop`. */
  finish(result?: Partial<StreamResult>): void;
  fail(error: unknown): void;
}

export class FakeApi implements ChatApi {
  readonly calls: StreamCall[] = [];

  listModels(): Promise<string[]> {
    return Promise.resolve(['gpt-4o-mini']);
  }

  streamChat(body: ChatRequestBody, onDelta: DeltaHandler, signal: AbortSignal) {
    return new Promise<StreamResult>((resolve, reject) => {
      const texts: string[] = [];
      const choices = (finishReason: string | null) =>
        Array.from({ length: Math.max(texts.length, 1) }, (_, index) => ({
          index,
          content: texts[index] ?? '',
          finishReason,
        }));
      signal.addEventListener('abort', () => {
        resolve({
          choices: texts.length === 0 ? [] : choices(null),
          model: SNAPSHOT,
          usage: undefined,
        });
      });
      this.calls.push({
        body,
        signal,
        emit: (piece, index = 0, part = 'content') => {
          if (part !== 'reasoning') texts[index] = (texts[index] ?? '') + piece;
          onDelta(index, piece, part);
        },
        finish: (result = {}) => {
          resolve({ choices: choices('stop'), model: SNAPSHOT, usage: USAGE, ...result });
        },
        fail: reject,
      });
    });
  }
}

export function infoFor(model: string): ModelInfo {
  return model.startsWith('o3') ? { ...REASONING_INFO, id: model } : { ...CHAT_INFO, id: model };
}

/** Lets every pending promise chain run (the fakes resolve at once). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

export function setup(
  options: { db?: FakeDb; getApi?: () => Promise<ChatApi>; limits?: () => Limits } = {},
) {
  const db = options.db ?? new FakeDb();
  const api = new FakeApi();
  let time = 1_000;
  const now = () => (time += 1);
  const conversations = new ConversationsState(db, now);
  const report = vi.fn();
  const ready = vi.fn(() => Promise.resolve());
  const info = vi.fn((model: string) => infoFor(model));
  const models = { info, ready };
  const chat = new ChatState({
    store: db,
    conversations,
    getApi: options.getApi ?? (() => Promise.resolve(api)),
    models,
    report,
    now,
    ...(options.limits ? { limits: options.limits } : {}),
    scheduleFrame: (callback) => {
      callback();
    },
  });
  return { db, api, conversations, chat, report, models };
}

export type Setup = ReturnType<typeof setup>;

export async function call(api: FakeApi, n: number): Promise<StreamCall> {
  await settle();
  const found = api.calls[n];
  if (!found) throw new Error(`streamChat call ${n} never came`);
  return found;
}

/** The conversation as the list now holds it (what the UI passes on the next action). */
export function current({ conversations }: Setup, id: string): Conversation {
  const found = conversations.list.find((c) => c.id === id);
  if (!found) throw new Error(`conversation ${id} is not in the list`);
  return found;
}

/**
 * The conversation writes that carried messages (ConversationsState stores messages in the same
 * transaction as the conversation): what each one put and deleted.
 */
export function messageWrites(
  db: FakeDb,
): { put: readonly Message[]; deleted: readonly string[] }[] {
  return db.updateConversation.mock.calls
    .map(([, , messages]) => ({ put: messages?.put ?? [], deleted: messages?.delete ?? [] }))
    .filter((write) => write.put.length + write.deleted.length > 0);
}

export function byRole(messages: readonly Message[], role: Message['role']): Message[] {
  return messages.filter((m) => m.role === role);
}

export function storedConversation(id: string, fields: Partial<Conversation> = {}): Conversation {
  return {
    id,
    title: 'Stored',
    isTitleCustom: false,
    systemPrompt: '',
    params: { ...DEFAULT_PARAMS },
    createdAt: 1,
    updatedAt: 1,
    currentLeafId: null,
    presetId: null,
    ...fields,
  };
}

export function storedMessage(
  id: string,
  parentId: string | null,
  createdAt: number,
  fields: Partial<Message> = {},
): Message {
  return {
    id,
    conversationId: 'c1',
    parentId,
    role: parentId === null ? 'user' : 'assistant',
    content: `content of ${id}`,
    status: 'complete',
    createdAt,
    updatedAt: createdAt,
    ...fields,
  };
}

/** A stored conversation c1 with a question u1 and the given reply r1, already opened. */
export async function withStoredReply(reply: Partial<Message>) {
  const db = new FakeDb();
  const u1 = storedMessage('u1', null, 10, { content: 'Question' });
  const r1 = storedMessage('r1', 'u1', 11, reply);
  db.messages.set(u1.id, u1);
  db.messages.set(r1.id, r1);
  db.conversations.set('c1', storedConversation('c1', { currentLeafId: 'r1', updatedAt: 11 }));
  const state = setup({ db });
  await state.conversations.load();
  await state.chat.open('c1');
  return state;
}
