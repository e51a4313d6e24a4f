/**
 * The list of conversations, the one being shown, search, rename and delete with undo.
 *
 * A new chat starts as an unsaved draft: it is stored the moment the person changes anything in
 * it or sends a first message, so pressing "New chat" twice never leaves empty chats behind.
 */
import { DEFAULT_PARAMS, DEFAULT_SYSTEM_PROMPT } from '../domain/defaults';
import type { Conversation, Message } from '../domain/types';
import { newId } from '../utils/id';

export interface ConversationStore {
  listConversations(): Promise<Conversation[]>;
  putConversation(conversation: Conversation): Promise<void>;
  deleteConversation(
    id: string,
  ): Promise<{ conversation: Conversation; messages: Message[] } | undefined>;
  restoreConversation(conversation: Conversation, messages: Message[]): Promise<void>;
}

export interface DeletedConversation {
  conversation: Conversation;
  messages: Message[];
}

function byActivity(a: Conversation, b: Conversation): number {
  return b.updatedAt - a.updatedAt;
}

export class ConversationsState {
  #saved = $state.raw<Conversation[]>([]);
  #draft = $state.raw<Conversation | null>(null);
  #activeId = $state<string | null>(null);
  #query = $state('');
  #lastDeleted = $state.raw<DeletedConversation | null>(null);
  readonly #store: ConversationStore;
  readonly #now: () => number;

  constructor(store: ConversationStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /** Saved conversations, most recent activity first. */
  get list(): readonly Conversation[] {
    return this.#saved;
  }

  get query(): string {
    return this.#query;
  }
  set query(value: string) {
    this.#query = value;
  }

  /** The list filtered by the search box (title, case- and width-insensitive). */
  readonly filtered = $derived.by(() => {
    const needle = this.#query.trim().normalize('NFKC').toLocaleLowerCase();
    if (needle === '') return this.#saved;
    return this.#saved.filter((c) =>
      c.title.normalize('NFKC').toLocaleLowerCase().includes(needle),
    );
  });

  readonly active = $derived.by((): Conversation | null => {
    const id = this.#activeId;
    if (id === null) return null;
    if (this.#draft?.id === id) return this.#draft;
    return this.#saved.find((c) => c.id === id) ?? null;
  });

  get isActiveDraft(): boolean {
    return this.#draft !== null && this.#draft.id === this.#activeId;
  }

  get lastDeleted(): DeletedConversation | null {
    return this.#lastDeleted;
  }

  async load(): Promise<void> {
    this.#saved = (await this.#store.listConversations()).sort(byActivity);
    const first = this.#saved[0];
    if (first) this.#activeId = first.id;
    else this.newChat();
  }

  /** Shows a fresh draft (reusing the current one if it is still empty). */
  newChat(template?: Pick<Conversation, 'params' | 'systemPrompt'>): Conversation {
    if (this.isActiveDraft && this.#draft) return this.#draft;
    const now = this.#now();
    const draft: Conversation = {
      id: newId(),
      title: '',
      isTitleCustom: false,
      systemPrompt: template?.systemPrompt ?? DEFAULT_SYSTEM_PROMPT,
      params: { ...(template?.params ?? DEFAULT_PARAMS) },
      createdAt: now,
      updatedAt: now,
      currentLeafId: null,
    };
    this.#draft = draft;
    this.#activeId = draft.id;
    return draft;
  }

  select(id: string): void {
    if (this.#saved.some((c) => c.id === id)) this.#activeId = id;
  }

  /** Stores a changed conversation (a draft becomes a saved one). */
  async save(conversation: Conversation): Promise<void> {
    await this.#store.putConversation(conversation);
    this.adopt(conversation);
  }

  /** Takes a conversation already written by someone else (a message transaction) into the list. */
  adopt(conversation: Conversation): void {
    if (this.#draft?.id === conversation.id) this.#draft = null;
    const others = this.#saved.filter((c) => c.id !== conversation.id);
    this.#saved = [conversation, ...others].sort(byActivity);
  }

  async rename(id: string, title: string): Promise<void> {
    const conversation = this.#saved.find((c) => c.id === id);
    const trimmed = title.trim();
    if (!conversation || trimmed === '' || trimmed === conversation.title) return;
    await this.save({ ...conversation, title: trimmed, isTitleCustom: true });
  }

  /** Deletes at once and keeps what was deleted in memory, so `undoDelete` can put it back. */
  async delete(id: string): Promise<void> {
    const deleted = await this.#store.deleteConversation(id);
    this.#saved = this.#saved.filter((c) => c.id !== id);
    if (deleted) this.#lastDeleted = deleted;
    if (this.#activeId === id) {
      const next = this.#saved[0];
      if (next) this.#activeId = next.id;
      else this.newChat();
    }
  }

  async undoDelete(): Promise<Conversation | null> {
    const deleted = this.#lastDeleted;
    if (!deleted) return null;
    await this.#store.restoreConversation(deleted.conversation, deleted.messages);
    this.#lastDeleted = null;
    this.adopt(deleted.conversation);
    this.#activeId = deleted.conversation.id;
    return deleted.conversation;
  }

  dismissUndo(): void {
    this.#lastDeleted = null;
  }
}
