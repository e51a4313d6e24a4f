/** Narrowing helpers for parsed JSON of unknown shape, and small pieces every converter uses. */
import { DEFAULT_PARAMS } from '../domain/defaults';
import type { ChatParams, Conversation, Message, Role } from '../domain/types';
import type { ImportedConversation } from './types';

export type Json = Record<string, unknown>;

/** A plain object, or undefined. Own keys only are read, so `__proto__` in a file is inert. */
export function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

export function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** An own property: never one inherited from Object.prototype (`constructor`, `__proto__`). */
export function own(record: Json | undefined, key: string): unknown {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Epoch seconds (ChatGPT, Open WebUI) to milliseconds. */
export function fromSeconds(value: unknown): number | undefined {
  const seconds = finiteNumber(value);
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

/**
 * A time written as epoch milliseconds, epoch seconds, or a date string (ISO, or NextChat's
 * `toLocaleString()` text, which `Date.parse` reads in most locales). Numbers below 1e11 are
 * taken as seconds: in milliseconds that would be March 1973, before any chat client existed.
 */
export function anyTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return Math.round(value < 1e11 ? value * 1000 : value);
  }
  if (typeof value === 'string' && value !== '') {
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  return undefined;
}

export function role(value: unknown): Role | undefined {
  return value === 'user' || value === 'assistant' || value === 'system' ? value : undefined;
}

/**
 * A short stable digest (cyrb53) of a string, in base 36. Ids derived from it are the same on
 * every import of the same file, which is what makes a second import change nothing.
 */
export function digest(input: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < input.length; i += 1) {
    const code = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export interface ConversationFields {
  id: string;
  title: string;
  systemPrompt?: string;
  model?: string;
  params?: Partial<ChatParams>;
  createdAt: number;
  updatedAt?: number;
  currentLeafId?: string | null;
}

/**
 * A Parley conversation from another client's fields. The system prompt of an imported chat is
 * what that chat had: empty when it had none (not Parley's default, which it never used).
 */
export function conversation(
  fields: ConversationFields,
  messages: Message[],
): ImportedConversation {
  const record: Conversation = {
    id: fields.id,
    title: fields.title,
    isTitleCustom: fields.title !== '',
    systemPrompt: fields.systemPrompt ?? '',
    params: {
      ...DEFAULT_PARAMS,
      ...fields.params,
      ...(fields.model ? { model: fields.model } : {}),
    },
    createdAt: fields.createdAt,
    updatedAt: fields.updatedAt ?? fields.createdAt,
    currentLeafId: fields.currentLeafId ?? null,
    presetId: null,
  };
  return { ...record, messages };
}

export interface MessageFields {
  id: string;
  conversationId: string;
  parentId: string | null;
  role: Role;
  content: string;
  createdAt: number;
  updatedAt?: number;
  model?: string;
}

export function message(fields: MessageFields): Message {
  const record: Message = {
    id: fields.id,
    conversationId: fields.conversationId,
    parentId: fields.parentId,
    role: fields.role,
    content: fields.content,
    status: 'complete',
    createdAt: fields.createdAt,
    updatedAt: fields.updatedAt ?? fields.createdAt,
  };
  if (fields.model !== undefined && fields.role === 'assistant') record.model = fields.model;
  return record;
}

/**
 * Messages of a client that stores a conversation as a plain list: each one's parent is the one
 * before it. Ids are the conversation's id and the position, stable across imports.
 */
export function chain(
  conversationId: string,
  items: readonly Omit<MessageFields, 'id' | 'conversationId' | 'parentId'>[],
  ids?: readonly (string | undefined)[],
): Message[] {
  let parentId: string | null = null;
  return items.map((item, index) => {
    const id = `${conversationId}/${ids?.[index] ?? String(index)}`;
    const record = message({ ...item, id, conversationId, parentId });
    parentId = id;
    return record;
  });
}

/**
 * The text of an OpenAI-style `content`: a string, or an array of parts whose text parts are
 * joined. Image parts are counted and named (by URL tail when it is not a data URL).
 */
export function contentText(value: unknown, onImage: (name: string) => void): string {
  if (typeof value === 'string') return value;
  const parts: string[] = [];
  for (const part of array(value)) {
    if (typeof part === 'string') {
      parts.push(part);
      continue;
    }
    const record = object(part);
    const type = own(record, 'type');
    if (type === 'text') parts.push(text(own(record, 'text')) ?? '');
    else if (type === 'image_url' || type === 'image') {
      const url = text(own(object(own(record, 'image_url')), 'url')) ?? text(own(record, 'url'));
      onImage(imageName(url));
    }
  }
  return parts.join('\n\n');
}

function imageName(url: string | undefined): string {
  if (!url || url.startsWith('data:')) return 'image';
  const tail = url.split(/[?#]/, 1)[0]?.split('/').pop();
  return tail && tail !== '' ? tail : 'image';
}
