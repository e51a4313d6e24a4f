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

/** What a new chat starts from. */
export type ChatTemplate = Pick<Conversation, 'params' | 'systemPrompt' | 'presetId'>;

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
  /** The pending write of each conversation (see save). */
  readonly #writes = new Map<string, Promise<void>>();
  readonly #now: () => number;
  readonly #startFrom: () => ChatTemplate | null;

  /**
   * `startFrom` gives the settings every new chat starts from when the person chose a default
   * preset; without one, a new chat copies the open one's settings (or the defaults).
   */
  constructor(
    store: ConversationStore,
    now: () => number = Date.now,
    startFrom: () => ChatTemplate | null = () => null,
  ) {
    this.#store = store;
    this.#now = now;
    this.#startFrom = startFrom;
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

  /**
   * Shows a fresh draft (reusing the current one if it is still empty), started from the default
   * preset when there is one, else from the open conversation's settings, else the defaults.
   * An explicit `template` overrides all three.
   */
  newChat(explicit?: ChatTemplate): Conversation {
    if (this.isActiveDraft && this.#draft) return this.#draft;
    const open = this.active;
    const template =
      explicit ??
      this.#startFrom() ??
      (open
        ? { params: open.params, systemPrompt: open.systemPrompt, presetId: open.presetId }
        : null);
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
      presetId: template?.presetId ?? null,
    };
    this.#draft = draft;
    this.#activeId = draft.id;
    return draft;
  }

  select(id: string): void {
    if (this.#saved.some((c) => c.id === id)) this.#activeId = id;
  }

  /** Stores a changed conversation (a draft becomes a saved one). */
  /**
   * Shows a changed conversation at once (a draft becomes a saved one) and stores it. Writes of
   * one conversation are chained and each stores the newest state when its turn comes, so two
   * changes racing (a preset applied while a reply finishes) can never store a stale copy.
   */
  async save(conversation: Conversation): Promise<void> {
    const undo = this.adopt(conversation);
    try {
      await this.#persist(conversation.id);
    } catch (error) {
      undo();
      throw error;
    }
  }

  /** Changes the newest state of a conversation, not a copy someone held on to. */
  async update(id: string, change: (conversation: Conversation) => Conversation): Promise<void> {
    const current = this.get(id);
    if (current) await this.save(change(current));
  }

  /** A saved conversation or the draft, as it is now. */
  get(id: string): Conversation | null {
    if (this.#draft?.id === id) return this.#draft;
    return this.#saved.find((c) => c.id === id) ?? null;
  }

  #persist(id: string): Promise<void> {
    const previous = this.#writes.get(id) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const newest = this.#saved.find((c) => c.id === id);
        if (newest) await this.#store.putConversation(newest);
      });
    this.#writes.set(id, next);
    return next;
  }

  /**
   * Shows a conversation that is being written elsewhere too (a message transaction). Returns how
   * to take it back if that write fails: the previous version, or the draft it was.
   */
  adopt(conversation: Conversation): () => void {
    const { id } = conversation;
    const wasDraft = this.#draft?.id === id ? this.#draft : null;
    const previous = this.#saved.find((c) => c.id === id) ?? null;
    if (wasDraft) this.#draft = null;
    this.#saved = [conversation, ...this.#saved.filter((c) => c.id !== id)].sort(byActivity);
    return () => {
      if (wasDraft) this.#draft = wasDraft;
      const others = this.#saved.filter((c) => c.id !== id);
      this.#saved = previous ? [previous, ...others].sort(byActivity) : others;
    };
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
