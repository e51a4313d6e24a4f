/**
 * TreeEdits, ChatState's unit for work on a conversation's message tree that sends nothing: edit
 * in place, add a message of any role, delete one (with undo), show another version or branch,
 * branch into a new chat. What each writes is worked out by the pure functions of domain/tree.ts;
 * this stores it (through ChatState's `commit`, one transaction with the conversation) and shows
 * it. It loads with the first such change: it is not first-load code.
 *
 * ChatState runs the changes of one conversation one at a time, each reading what the one before
 * wrote, and owns the deleted messages Undo can bring back (the page shows them).
 */
import type { SvelteMap } from 'svelte/reactivity';
import { titleFromText } from '../domain/conversation';
import {
  appendedMessage,
  copyPath,
  editedInPlace,
  leafAfterVersionStep,
  newestLeafUnder,
  removeMessage,
  restoreRemoval,
  type Removal,
} from '../domain/tree';
import type { Conversation, Message, Role } from '../domain/types';
import type { ChatCore } from './chat-core';

/** A deleted message that `undoDelete` can still bring back. */
export interface DeletedMessage {
  removal: Removal;
  previousLeafId: string | null;
}

export class TreeEdits {
  readonly #core: ChatCore;
  readonly #deleted: SvelteMap<string, DeletedMessage>;

  constructor(core: ChatCore, deleted: SvelteMap<string, DeletedMessage>) {
    this.#core = core;
    this.#deleted = deleted;
  }

  /** Changes a message's text in place (any role). */
  saveEdit(conversation: Conversation, messageId: string, text: string): Promise<boolean> {
    const message = this.#core.messages(conversation.id).find((m) => m.id === messageId);
    if (!message || message.status === 'streaming') return Promise.resolve(false);
    const edited = editedInPlace(message, text, this.#core.now());
    return this.#core.commit(conversation.id, (c) => c, { put: [edited] });
  }

  /** Appends a message of any role to the shown branch, without sending. */
  addMessage(conversation: Conversation, role: Role, text: string): Promise<boolean> {
    const core = this.#core;
    const latest = core.latest(conversation);
    const branch = core.branch(latest);
    const message = appendedMessage(branch, conversation.id, role, text, {
      newId: core.newId,
      now: core.now(),
    });
    const isFirstUser = role === 'user' && !branch.some((m) => m.role === 'user');
    return core.commit(
      conversation.id,
      (c) => ({
        ...c,
        title: isFirstUser && !c.isTitleCustom && c.title === '' ? titleFromText(text) : c.title,
        currentLeafId: message.id,
        updatedAt: core.now(),
      }),
      { put: [message] },
      latest,
    );
  }

  /** Deletes one message; what followed it stays, attached to the message before it. */
  async deleteMessage(conversation: Conversation, messageId: string): Promise<boolean> {
    const core = this.#core;
    const previousLeafId = core.branch(core.latest(conversation)).at(-1)?.id ?? null;
    const removal = removeMessage(
      core.messages(conversation.id),
      messageId,
      previousLeafId,
      core.now(),
    );
    if (!removal) return false;
    const isDone = await core.commit(
      conversation.id,
      (c) => ({ ...c, currentLeafId: removal.leafId }),
      { put: removal.reattached, delete: [messageId] },
    );
    if (isDone) this.#deleted.set(conversation.id, { removal, previousLeafId });
    return isDone;
  }

  /** Brings back the message deleted last in the conversation, if Undo still can. */
  async undoDelete(conversationId: string): Promise<void> {
    const deleted = this.#deleted.get(conversationId);
    if (!deleted) return;
    const restored = restoreRemoval(
      this.#core.messages(conversationId),
      deleted.removal,
      this.#core.now(),
    );
    const isDone = await this.#core.commit(
      conversationId,
      (c) => ({ ...c, currentLeafId: deleted.previousLeafId }),
      { put: restored },
    );
    if (isDone) this.#deleted.delete(conversationId);
  }

  /** Shows another branch: the newest leaf under `messageId` becomes the current one. */
  showBranch(conversation: Conversation, messageId: string): Promise<void> {
    return this.#showLeaf(
      conversation.id,
      newestLeafUnder(this.#core.messages(conversation.id), messageId),
    );
  }

  /** Shows the previous or next version of a message, with the rest of its newest branch. */
  async showVersion(conversation: Conversation, message: Message, step: -1 | 1): Promise<void> {
    const leaf = leafAfterVersionStep(this.#core.messages(conversation.id), message, step);
    if (leaf !== null) await this.#showLeaf(conversation.id, leaf);
  }

  /** A new conversation holding a copy of the path to `messageId`; see ChatState.branchInNewChat. */
  async branchInNewChat(
    conversation: Conversation,
    messageId: string,
    title: string,
  ): Promise<Conversation | null> {
    const { deps, cache } = this.#core;
    const source = this.#core.latest(conversation);
    const id = this.#core.newId();
    const copies = copyPath(this.#core.messages(conversation.id), messageId, id, this.#core.newId);
    if (copies.length === 0) return null;
    const now = this.#core.now();
    const branch: Conversation = {
      ...$state.snapshot(source),
      id,
      title,
      isTitleCustom: true,
      createdAt: now,
      updatedAt: now,
      currentLeafId: copies.at(-1)?.id ?? null,
    };
    try {
      await deps.conversations.save(branch, { put: copies });
    } catch (error) {
      deps.report(error);
      return null;
    }
    cache.change(id, () => copies);
    deps.conversations.select(id);
    return branch;
  }

  /** Remembers the branch shown (reload shows it again; other tabs hear of it). */
  async #showLeaf(conversationId: string, leafId: string): Promise<void> {
    try {
      await this.#core.deps.conversations.update(conversationId, (c) => ({
        ...c,
        currentLeafId: leafId,
      }));
    } catch (error) {
      this.#core.deps.report(error);
    }
  }
}
