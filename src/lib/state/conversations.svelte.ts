/**
 * The list of conversations, the one being shown, search, rename and delete with undo.
 *
 * A new chat starts as an unsaved draft: it is stored the moment the person changes anything in
 * it or sends a first message, so pressing "New chat" twice never leaves empty chats behind.
 *
 * Several tabs share the conversations. Each tab keeps, besides what it shows, the version it
 * last knew to be stored (`#base`). A change is written as a patch (what this tab changed, see
 * conversation-patch.ts) applied to the stored record inside the writing transaction, so it never
 * puts back fields another tab changed meanwhile. When another tab writes, `refresh` reads the
 * stored record and shows it with this tab's own unwritten changes still on top. Writes and
 * refreshes of one conversation run one after another, in the order they were asked for.
 */
import { DEFAULT_PARAMS, DEFAULT_SYSTEM_PROMPT } from '../domain/defaults';
import type { Conversation, Message } from '../domain/types';
import { newId } from '../utils/id';
import { OneAtATime } from '../utils/one-at-a-time';
import {
  applyPatch,
  diffConversation,
  EMPTY_PATCH,
  isEmptyPatch,
  type Patch,
} from '../domain/conversation-patch';

/**
 * A conversation write as it will apply: a change over the stored record, or (`patch` null) the
 * whole record of a conversation never stored, with the messages stored in the same transaction.
 */
export interface ConversationPatch {
  id: string;
  patch: Patch | null;
  whole: Conversation | null;
  messages: MessageWrites;
}

export interface ConversationStore {
  listConversations(): Promise<Conversation[]>;
  /**
   * The `limit` most recently active, newest first (ParleyStore has it; fakes may leave it out,
   * and then the whole list loads at once).
   */
  listRecentConversations?(limit: number): Promise<Conversation[]>;
  getConversation(id: string): Promise<Conversation | undefined>;
  /**
   * Applies `change` to the stored record (or `undefined` if there is none) and writes what it
   * returns, in one transaction; resolves with what was written (`undefined`: nothing).
   */
  updateConversation(
    id: string,
    change: (stored: Conversation | undefined) => Conversation | undefined,
    messages?: MessageWrites,
  ): Promise<Conversation | undefined>;
  deleteConversation(
    id: string,
  ): Promise<{ conversation: Conversation; messages: Message[] } | undefined>;
  restoreConversation(conversation: Conversation, messages: Message[]): Promise<void>;
}

/** Messages stored in the same transaction as a conversation change (see ConversationsState.save). */
export interface MessageWrites {
  put?: readonly Message[];
  delete?: readonly string[];
}

/** What a new chat starts from. */
export type ChatTemplate = Pick<Conversation, 'params' | 'systemPrompt' | 'presetId'>;

export interface DeletedConversation {
  conversation: Conversation;
  messages: Message[];
}

/**
 * Conversations shown before the others are read: more rows than the tallest screen shows, few
 * enough that reading them is one short task. The rest follow in the background (see `load`).
 */
export const FIRST_PAGE = 60;

function byActivity(a: Conversation, b: Conversation): number {
  return b.updatedAt - a.updatedAt;
}

/** What reading a conversation back from storage found. */
export type RefreshOutcome = 'changed' | 'unchanged' | 'deleted';

function isSame(a: Conversation, b: Conversation): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class ConversationsState {
  #saved = $state.raw<Conversation[]>([]);
  #draft = $state.raw<Conversation | null>(null);
  #activeId = $state<string | null>(null);
  #query = $state('');
  #lastDeleted = $state.raw<DeletedConversation | null>(null);
  readonly #store: ConversationStore;
  /**
   * The version of each conversation this tab last knew to be stored: what it read or wrote.
   * What is shown minus this is what this tab changed and has not seen stored yet.
   */
  // Bookkeeping, not state anything renders: plain Maps on purpose.
  readonly #base = new Map<string, Conversation>();
  /** Writes and refreshes of each conversation, one after another (see #enqueue). */
  readonly #queues = new OneAtATime();
  /** Changes whose write has not landed yet, oldest first (see `writingPatches`). */
  readonly #writing = new Set<ConversationPatch>();
  readonly #now: () => number;
  readonly #startFrom: () => ChatTemplate | null;
  readonly #createId: () => string;
  /**
   * While the conversations after the first page are being read: the ids found gone meanwhile
   * (deleted here or in another tab), so a read that started before the delete cannot bring
   * them back. Null once everything is loaded.
   */
  #goneWhileLoading: Set<string> | null = null;
  #complete: Promise<void> = Promise.resolve();

  /**
   * `startFrom` gives the settings every new chat starts from when the person chose a default
   * preset; without one, a new chat copies the open one's settings (or the defaults).
   * `createId` names new chats (App reuses the id of an unsent draft left from last time).
   */
  constructor(
    store: ConversationStore,
    now: () => number = Date.now,
    startFrom: () => ChatTemplate | null = () => null,
    createId: () => string = newId,
  ) {
    this.#store = store;
    this.#now = now;
    this.#startFrom = startFrom;
    this.#createId = createId;
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

  /**
   * Shows the most recent conversations (FIRST_PAGE of them) as soon as they are read and
   * resolves; the others are read after that, in the background, and join the list in one
   * update (`complete` says when). With thousands stored, the first screen then waits for a
   * short index read instead of every record. With none in the index, everything is read
   * first (a new chat opens only when there is truly nothing).
   */
  async load(): Promise<void> {
    const recent = (await this.#store.listRecentConversations?.(FIRST_PAGE)) ?? [];
    if (recent.length === 0) {
      this.#merge(await this.#store.listConversations());
    } else {
      this.#merge(recent);
      this.#goneWhileLoading = new Set();
      this.#complete = this.#loadRest();
    }
    const first = this.#saved[0];
    if (first) this.#activeId = first.id;
    else this.newChat();
  }

  /**
   * Resolves once every stored conversation is in the list; rejects if reading those after the
   * first page failed (the first page stays shown).
   */
  get complete(): Promise<void> {
    return this.#complete;
  }

  async #loadRest(): Promise<void> {
    // After the first screen has been drawn: that task is the person's, this one is not urgent.
    await new Promise((resolve) => setTimeout(resolve, 0));
    try {
      const stored = await this.#store.listConversations();
      const gone = this.#goneWhileLoading ?? new Set<string>();
      this.#merge(stored.filter((c) => !gone.has(c.id)));
    } finally {
      this.#goneWhileLoading = null;
    }
  }

  /**
   * Adds stored conversations this tab does not know yet. One it knows (read in the first page,
   * written or refreshed since) is newer here than in a read that may have started earlier.
   */
  #merge(stored: readonly Conversation[]): void {
    const added = stored.filter((c) => !this.#base.has(c.id));
    if (added.length === 0) return;
    for (const conversation of added) this.#base.set(conversation.id, conversation);
    const known = new Set(added.map((c) => c.id));
    this.#saved = [...this.#saved.filter((c) => !known.has(c.id)), ...added].sort(byActivity);
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
      id: this.#createId(),
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

  /**
   * Shows a changed conversation at once (a draft becomes a saved one) and stores it. What is
   * stored is the change (compared with what was shown before) applied to the stored record, so
   * two changes racing, in this tab (a preset applied while a reply finishes) or in two tabs,
   * both land and neither stores a stale copy of the other's fields.
   */
  async save(conversation: Conversation, messages?: MessageWrites): Promise<void> {
    const before = this.get(conversation.id);
    const undo = this.adopt(conversation);
    try {
      await this.#write(
        conversation.id,
        before ? diffConversation(before, conversation) : null,
        messages,
      );
    } catch (error) {
      undo();
      throw error;
    }
  }

  /**
   * Changes the newest state of a conversation, not a copy someone held on to. `messages` are
   * stored in the same transaction (a message sent, edited or deleted, and the branch it leaves
   * shown), so the conversation record has one writer: this class.
   */
  async update(
    id: string,
    change: (conversation: Conversation) => Conversation,
    messages?: MessageWrites,
  ): Promise<void> {
    const current = this.get(id);
    if (current) await this.save(change(current), messages);
  }

  /** A saved conversation or the draft, as it is now. */
  get(id: string): Conversation | null {
    if (this.#draft?.id === id) return this.#draft;
    return this.#saved.find((c) => c.id === id) ?? null;
  }

  /**
   * Writes `patch` over the stored record (`null`: a conversation never stored, written whole as
   * it is shown when its turn comes). Nothing is written for a conversation this tab no longer
   * has (deleted here while the write waited), nor for one deleted in another tab.
   */
  #write(
    id: string,
    patch: ReturnType<typeof diffConversation> | null,
    messages?: MessageWrites,
  ): Promise<void> {
    const whole = patch === null ? this.get(id) : null;
    const hasMessages = (messages?.put?.length ?? 0) + (messages?.delete?.length ?? 0) > 0;
    const pending: ConversationPatch | null =
      whole || hasMessages || (patch && !isEmptyPatch(patch))
        ? { id, patch, whole, messages: messages ?? {} }
        : null;
    if (pending) this.#writing.add(pending);
    const task = this.#enqueue(id, async () => {
      const wasStored = this.#base.has(id);
      const written = await this.#store.updateConversation(
        id,
        (stored) => {
          const shown = this.get(id);
          if (!shown) return undefined;
          if (stored) return applyPatch(stored, patch ?? EMPTY_PATCH);
          return wasStored ? undefined : shown;
        },
        messages,
      );
      if (written) this.#absorb(written);
      else if (wasStored) this.#dropDeleted(id);
    });
    if (!pending) return task;
    return task.finally(() => this.#writing.delete(pending));
  }

  /**
   * Changes to stored conversations whose writes have not landed yet, oldest first: what a
   * closing page keeps elsewhere (write-journal.ts), since a write under way is lost with it.
   */
  writingPatches(): ConversationPatch[] {
    return [...this.#writing];
  }

  /**
   * Reads a conversation back from storage (another tab changed or deleted it, or this tab wrote
   * it outside `save`, as a message write does) and shows it, with this tab's own changes that
   * are not stored yet still applied on top.
   */
  refresh(id: string): Promise<RefreshOutcome> {
    return this.#enqueue(id, async (): Promise<RefreshOutcome> => {
      const stored = await this.#store.getConversation(id);
      if (stored) return this.#absorb(stored) ? 'changed' : 'unchanged';
      this.#goneWhileLoading?.add(id);
      return this.#dropDeleted(id) ? 'deleted' : 'unchanged';
    });
  }

  /**
   * Re-reads every conversation (after an import, or a page coming back from the back/forward
   * cache). Resolves with the ids of those that were deleted meanwhile.
   */
  async refreshAll(): Promise<string[]> {
    const stored = await this.#store.listConversations();
    const ids = new Set([...stored.map((c) => c.id), ...this.#base.keys()]);
    const outcomes = await Promise.all([...ids].map(async (id) => [id, await this.refresh(id)]));
    return outcomes.filter(([, outcome]) => outcome === 'deleted').map(([id]) => id as string);
  }

  /** Runs `task` after every earlier write and refresh of the same conversation has settled. */
  #enqueue<T>(id: string, task: () => Promise<T>): Promise<T> {
    return this.#queues.run(id, task);
  }

  /**
   * Takes `stored` as the newest stored version and shows it, with this tab's unstored changes
   * (what is shown minus the previous stored version) applied on top. True if what is shown
   * changed.
   */
  #absorb(stored: Conversation): boolean {
    const { id } = stored;
    const shown = this.get(id);
    const base = this.#base.get(id) ?? stored;
    this.#base.set(id, stored);
    const next = shown ? applyPatch(stored, diffConversation(base, shown)) : stored;
    if (shown && this.#draft?.id !== id && isSame(shown, next)) return false;
    this.adopt(next);
    return true;
  }

  /**
   * Forgets a conversation that was stored and no longer is (deleted in another tab). True if
   * there was one; the shown conversation moves on as after a delete here.
   */
  #dropDeleted(id: string): boolean {
    if (!this.#base.delete(id)) return false;
    this.#saved = this.#saved.filter((c) => c.id !== id);
    if (this.#activeId === id) this.#showNext();
    return true;
  }

  #showNext(): void {
    const next = this.#saved[0];
    if (next) this.#activeId = next.id;
    else this.newChat();
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

  /**
   * Pins a conversation to the top of the sidebar, or unpins it (the field goes, see types.ts).
   * Its activity time stays as it was: pinning is not activity.
   */
  async setPinned(id: string, isPinned: boolean): Promise<void> {
    await this.update(id, (conversation) => {
      const next = { ...conversation };
      if (isPinned) next.isPinned = true;
      else delete next.isPinned;
      return next;
    });
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
    this.#goneWhileLoading?.add(id);
    this.#base.delete(id);
    this.#saved = this.#saved.filter((c) => c.id !== id);
    if (deleted) this.#lastDeleted = deleted;
    if (this.#activeId === id) this.#showNext();
  }

  async undoDelete(): Promise<Conversation | null> {
    const deleted = this.#lastDeleted;
    if (!deleted) return null;
    await this.#store.restoreConversation(deleted.conversation, deleted.messages);
    this.#lastDeleted = null;
    this.#base.set(deleted.conversation.id, deleted.conversation);
    this.adopt(deleted.conversation);
    this.#activeId = deleted.conversation.id;
    return deleted.conversation;
  }

  dismissUndo(): void {
    this.#lastDeleted = null;
  }
}
