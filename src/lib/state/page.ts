/**
 * The wiring App.svelte needs that has logic of its own, as plain functions tests can call: the
 * API client cache, the page lifecycle, the hand-over of a new chat's unsent draft, and when a
 * finished reply asks for a title.
 */
import type { ChatApi, ChatApiFactory } from '../api/client';
import type { Conversation, Message, Settings } from '../domain/types';
import { newId } from '../utils/id';

/**
 * One SDK client per saved settings, built on first use (the SDK loads lazily). Saving settings
 * replaces the settings object, so any change of key, endpoint or headers builds a new client;
 * each call reads the settings in force, so a retry after a change uses the new ones.
 */
export function apiProvider(
  settings: { readonly settings: Settings },
  create: ChatApiFactory,
): () => Promise<ChatApi> {
  let cached: { from: Settings; api: Promise<ChatApi> } | null = null;
  return () => {
    const current = settings.settings;
    const { apiKey, ...rest } = current;
    if (apiKey === null) {
      return import('../api/errors').then(({ ApiError }) =>
        Promise.reject(new ApiError('auth', '')),
      );
    }
    if (cached?.from !== current) cached = { from: current, api: create({ apiKey, ...rest }) };
    return cached.api;
  };
}

/**
 * Ids for new chats: the first one reuses the id of an unsent draft left from last time (so its
 * text comes back), every later one is new.
 */
export function draftHandOver(createId: () => string = newId): {
  reuse: (id: string | null) => void;
  nextId: () => string;
} {
  let reused: string | null = null;
  return {
    reuse: (id) => (reused = id),
    nextId: () => {
      const id = reused ?? createId();
      reused = null;
      return id;
    },
  };
}

export interface PageEvents {
  addEventListener: Window['addEventListener'];
  removeEventListener: Window['removeEventListener'];
}

export interface PageLifecycle {
  /** Writes what must not be lost when the page hides: drafts, streaming replies. */
  flush: () => void;
  /** The page is shown again after it hid (what `flush` kept aside is not needed any more). */
  resume: () => void;
  /** Reads everything again (the page came back from the back/forward cache). */
  resync: () => void;
  /** Asks once, on the first interaction, for persistent storage. */
  askPersistence: () => void;
}

/**
 * Page lifecycle: what is unsaved is written when the page hides or goes (timers in hidden tabs
 * are throttled, so this cannot wait for the next interval), everything is read again after the
 * back/forward cache, and persistence is asked for on the first interaction (browsers grant it
 * more readily then).
 */
export function watchPage(
  target: PageEvents,
  page: {
    readonly visibilityState: DocumentVisibilityState;
    addEventListener: Document['addEventListener'];
  },
  lifecycle: PageLifecycle,
): void {
  target.addEventListener('pagehide', lifecycle.flush);
  page.addEventListener('visibilitychange', () => {
    if (page.visibilityState === 'hidden') lifecycle.flush();
    else lifecycle.resume();
  });
  target.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    lifecycle.resume();
    lifecycle.resync();
  });
  let isAsked = false;
  const ask = () => {
    if (isAsked) return;
    isAsked = true;
    target.removeEventListener('pointerdown', ask, true);
    target.removeEventListener('keydown', ask, true);
    lifecycle.askPersistence();
  };
  target.addEventListener('pointerdown', ask, true);
  target.addEventListener('keydown', ask, true);
}

/**
 * The first exchange of a conversation, when `replies` just answered its first question and the
 * answer is whole: what a title is written from. Null otherwise.
 */
export function firstExchange(
  branch: readonly Message[],
  replies: readonly Message[],
): { question: string; answer: string } | null {
  const reply = replies[0];
  if (reply?.status !== 'complete' || reply.content === '' || reply.isRefusal) return null;
  const users = branch.filter((m) => m.role === 'user');
  const question = users[0];
  if (users.length !== 1 || question?.id !== reply.parentId) return null;
  return { question: question.content, answer: reply.content };
}

/** What App hands ChatState as `onReplies` to name new chats (auto-title.ts). */
export function titleAfterFirstReply(
  branch: (conversation: Conversation) => readonly Message[],
  suggest: (conversation: Conversation, question: string, answer: string) => Promise<void>,
): (conversation: Conversation, replies: readonly Message[]) => void {
  return (conversation, replies) => {
    const exchange = firstExchange(branch(conversation), replies);
    if (exchange) void suggest(conversation, exchange.question, exchange.answer);
  };
}
