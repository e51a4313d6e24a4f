/**
 * What ChatState (chat.svelte.ts) is made of, as its units see it. ChatState keeps what the page
 * reads as it draws (the loaded messages, which conversations stream or wait, the deleted message
 * Undo brings back) and the request body; the units that only act load with their first use:
 * - Sending (chat-sending.ts): Send, Regenerate, Save and send, Continue, the stream;
 * - TreeEdits (chat-tree-edits.svelte.ts): edit in place, add, delete and undo, versions, branches.
 * Types only: nothing here is code, so neither unit pulls ChatState into its chunk.
 */
import type { PlannedRequest, ContextChoice, HistoryEntry } from '../domain/context';
import type { Conversation, Message } from '../domain/types';
import type { ModelInfo } from '../models/types';
import type { ChatApi } from '../api/client';
import type { Limits } from '../domain/rate-limiter';
import type { ConversationsState, MessageWrites } from './conversations.svelte';
import type { MessageCache, MessageStore } from './message-cache.svelte';

/** What Parley knows of models, one source for the preview and for Send. */
export interface ModelSource {
  /** What is known now: the catalog's answer once loaded, else what the id says. */
  info(model: string): ModelInfo;
  /** Resolves once `info` gives its final answer (the catalog loaded, or failed to). */
  ready(): Promise<void>;
}

export interface ChatDependencies {
  store: MessageStore;
  conversations: ConversationsState;
  /** The API client for the settings in force (rejects with an ApiError if there is no key). */
  getApi: () => Promise<ChatApi>;
  models: ModelSource;
  /** The client-side rate limits in force (Settings); none when absent. */
  limits?: () => Limits;
  /** Storage failures go here to become a visible problem; the action that failed is dropped. */
  report: (error: unknown) => void;
  now?: () => number;
  newId?: () => string;
  /**
   * When streaming text reaches the page. Defaults to animation frames at most 30 ms apart
   * (utils/paced-frames.ts); tests pass a synchronous scheduler.
   */
  scheduleFrame?: (callback: () => void) => void;
  // Several tabs (stream-locks.ts): without these, every stored `streaming` reply not streaming
  // in this page reads as cut off, which is right for a single tab.
  isStreamAlive?: (messageId: string) => Promise<boolean>;
  whenStreamEnds?: (messageId: string) => Promise<void>;
  /** Tells other tabs this page streams the reply until `until` settles. */
  holdStreamLock?: (messageId: string, until: Promise<void>) => void;
  /** Told once a request's replies are final and stored (usage, automatic titles). */
  onReplies?: (conversation: Conversation, replies: readonly Message[]) => void;
}

/** The request would not fit: what it needs, what fits, and what Send recent messages only leaves out. */
export interface ContextQuestion {
  tokens: number;
  limit: number;
  omitted: number;
}

/**
 * Asked before every request that spends money. The page sets one (`setGate`); without it (unit
 * tests, before the page is up) requests go as they are.
 */
export interface SendGate {
  /** 'recent': send the most recent messages that fit, this time; 'all': send anyway. */
  confirmContext(question: ContextQuestion): Promise<'recent' | 'all' | 'cancel'>;
  /** Whether spending may go on (the monthly budget); false: nothing is sent. */
  confirmSpend(): Promise<boolean>;
}

/** ChatState's own parts, handed to its units. */
export interface ChatCore {
  readonly deps: ChatDependencies;
  readonly cache: MessageCache;
  readonly now: () => number;
  readonly newId: () => string;
  /** What each paid request passes first; null: nothing is asked. */
  gate(): SendGate | null;
  messages(conversationId: string): readonly Message[];
  /** The branch the conversation shows, root first. */
  branch(conversation: Conversation): Message[];
  /** The newest state of a conversation (a preset may have been applied since it was passed). */
  latest(conversation: Conversation): Conversation;
  /** The body for `history` under the conversation's context choice (or `choice` for this once). */
  plan(
    conversation: Conversation,
    history: readonly HistoryEntry[],
    choice?: ContextChoice,
  ): PlannedRequest;
  /**
   * Stores a conversation change with messages in one transaction (through ConversationsState),
   * then shows the messages. `fallback` is the conversation when it is a draft not stored yet.
   */
  commit(
    conversationId: string,
    change: (conversation: Conversation) => Conversation,
    messages: MessageWrites,
    fallback?: Conversation,
  ): Promise<boolean>;
  /** A new complete message of this conversation, with a fresh id and times. */
  newMessage(
    conversationId: string,
    fields: Pick<Message, 'role' | 'content' | 'parentId'> & Partial<Message>,
  ): Message;
}
