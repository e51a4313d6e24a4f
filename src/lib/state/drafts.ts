/**
 * The unsent message of each conversation: saved as the person types (debounced), restored when
 * the conversation opens again (after switching, or a reload), deleted once it is sent.
 *
 * Saves wait DRAFT_SAVE_DELAY_MS after the last keystroke, so typing writes a few times a second
 * at most; `flush` writes what is waiting at once (the page is being hidden or closed). Until it
 * is written, `read` answers from memory, so switching away and back within the delay loses
 * nothing. Writes of one conversation keep their order: IndexedDB runs read-write transactions
 * on the same store in the order they were created.
 *
 * A new chat's draft is kept under the new chat's id. It has no stored conversation, so after a
 * reload it is an "orphan": `takeOrphan` hands its id to the next new chat, which shows it again.
 */
import type { Draft } from '../domain/draft';

export interface DraftStore {
  getDraft(conversationId: string): Promise<Draft | undefined>;
  listDrafts(): Promise<Draft[]>;
  putDraft(draft: Draft): Promise<void>;
  deleteDrafts(conversationIds: string[]): Promise<void>;
}

export const DRAFT_SAVE_DELAY_MS = 300;

export interface DraftOptions {
  now?: () => number;
  delayMs?: number;
}

export class Drafts {
  readonly #store: DraftStore;
  readonly #report: (error: unknown) => void;
  readonly #now: () => number;
  readonly #delayMs: number;
  /** Text waiting to be written, with its timer. */
  readonly #pending = new Map<string, { text: string; timer: ReturnType<typeof setTimeout> }>();
  /** The text last read or written per conversation: saving the same again writes nothing. */
  readonly #known = new Map<string, string>();

  constructor(store: DraftStore, report: (error: unknown) => void, options: DraftOptions = {}) {
    this.#store = store;
    this.#report = report;
    this.#now = options.now ?? Date.now;
    this.#delayMs = options.delayMs ?? DRAFT_SAVE_DELAY_MS;
  }

  /** The conversation's unsent text ('' if none). A failed read reads as none, and is reported. */
  async read(conversationId: string): Promise<string> {
    const pending = this.#pending.get(conversationId);
    if (pending) return pending.text;
    try {
      const text = (await this.#store.getDraft(conversationId))?.text ?? '';
      // A save typed while reading is newer than what was read.
      const typed = this.#pending.get(conversationId);
      if (typed) return typed.text;
      this.#known.set(conversationId, text);
      return text;
    } catch (error) {
      this.#report(error);
      return '';
    }
  }

  /** Saves `text` after the delay (empty text deletes the draft). */
  save(conversationId: string, text: string): void {
    const pending = this.#pending.get(conversationId);
    if (pending) clearTimeout(pending.timer);
    if (!pending && this.#known.get(conversationId) === text) return;
    const timer = setTimeout(() => void this.#write(conversationId), this.#delayMs);
    this.#pending.set(conversationId, { text, timer });
  }

  /** The message was sent: the draft goes, now. */
  clear(conversationId: string): Promise<void> {
    this.#cancel(conversationId);
    return this.#persist(conversationId, '');
  }

  /** The conversation was deleted (its stored draft with it): drop what waits, write nothing. */
  forget(conversationId: string): void {
    this.#cancel(conversationId);
    this.#known.delete(conversationId);
  }

  /** Writes every waiting save now. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending.keys()].map((id) => this.#write(id)));
  }

  /**
   * The id of the newest draft whose conversation is not stored (a new chat's, left from last
   * time), or null. Other such drafts are deleted: only one new chat can come back.
   */
  async takeOrphan(storedIds: ReadonlySet<string>): Promise<string | null> {
    try {
      const orphans = (await this.#store.listDrafts())
        .filter((draft) => !storedIds.has(draft.conversationId))
        .sort((a, b) => b.updatedAt - a.updatedAt);
      const [newest, ...rest] = orphans;
      if (rest.length > 0) await this.#store.deleteDrafts(rest.map((d) => d.conversationId));
      return newest && newest.text.trim() !== '' ? newest.conversationId : null;
    } catch (error) {
      this.#report(error);
      return null;
    }
  }

  #cancel(conversationId: string): void {
    const pending = this.#pending.get(conversationId);
    if (pending) clearTimeout(pending.timer);
    this.#pending.delete(conversationId);
  }

  #write(conversationId: string): Promise<void> {
    const pending = this.#pending.get(conversationId);
    if (!pending) return Promise.resolve();
    this.#cancel(conversationId);
    return this.#persist(conversationId, pending.text);
  }

  async #persist(conversationId: string, text: string): Promise<void> {
    this.#known.set(conversationId, text);
    try {
      if (text === '') await this.#store.deleteDrafts([conversationId]);
      else await this.#store.putDraft({ conversationId, text, updatedAt: this.#now() });
    } catch (error) {
      // Not written: the next save must try again, not skip as "already known".
      this.#known.delete(conversationId);
      this.#report(error);
    }
  }
}
