/**
 * Operations on a conversation's message tree (messages linked by `parentId`). Each one is pure: it
 * takes the messages as they are and returns the records to write, leaving storage and state to
 * the caller. Edits and regenerations add siblings (versions), a delete re-attaches what followed
 * the deleted message to the one before it, and a branch copies a path with new ids.
 *
 * Stored and imported data can be anything, so every walk here is cycle-safe.
 */
import { branchTo, childrenByParent, versionOf } from './conversation';

export { awaitsReply, versionOf, type Version } from './conversation';
import type { Message, Role } from './types';

/** How a new record gets its id and time (injected so tests are deterministic). */
export interface Minting {
  newId: () => string;
  now: number;
}

/**
 * The leaf a version switch shows: following the newest child down from `messageId` (among the n
 * choices of one request, which share a time, the first). A cycle ends the walk where it closes.
 */
export function newestLeafUnder(messages: readonly Message[], messageId: string): string {
  const children = childrenByParent(messages);
  const seen = new Set<string>([messageId]);
  let leaf = messageId;
  for (;;) {
    let newest: Message | undefined;
    for (const child of children.get(leaf) ?? []) {
      if (!newest || child.createdAt > newest.createdAt) newest = child;
    }
    if (!newest || seen.has(newest.id)) return leaf;
    seen.add(newest.id);
    leaf = newest.id;
  }
}

/** The leaf shown after stepping `step` versions from `message` (unchanged at either end). */
export function leafAfterVersionStep(
  messages: readonly Message[],
  message: Message,
  step: -1 | 1,
): string | null {
  const { index, siblings } = versionOf(childrenByParent(messages), message);
  const target = siblings[index - 1 + step];
  return target ? newestLeafUnder(messages, target.id) : null;
}

/** An edited copy of `original` beside it (same parent and role): the old one stays a version. */
export function editedVersion(original: Message, text: string, mint: Minting): Message {
  return {
    id: mint.newId(),
    conversationId: original.conversationId,
    parentId: original.parentId,
    role: original.role,
    content: text,
    status: 'complete',
    createdAt: mint.now,
    updatedAt: mint.now,
  };
}

/**
 * `message` with its text changed in place. What the API reported about the old text (finish
 * reason, a failure, a refusal) no longer describes it; the model and usage stay as history.
 */
export function editedInPlace(message: Message, text: string, now: number): Message {
  const edited: Message = { ...message, content: text, status: 'complete', updatedAt: now };
  delete edited.error;
  delete edited.finishReason;
  delete edited.matchedStop;
  delete edited.isRefusal;
  return edited;
}

/** What deleting one message writes, and what undoing it puts back. */
export interface Removal {
  removed: Message;
  /** Its children, now attached to its parent (so the thread still reads in order). */
  reattached: Message[];
  /** The leaf to show afterwards. */
  leafId: string | null;
}

/**
 * Deletes one message and nothing else: its children move up to its parent. The branch shown
 * keeps its leaf unless the leaf itself went, when the message before it (or, for a root with
 * versions left, the newest of those) becomes the leaf.
 */
export function removeMessage(
  messages: readonly Message[],
  messageId: string,
  currentLeafId: string | null,
  now: number,
): Removal | null {
  const removed = messages.find((m) => m.id === messageId);
  if (!removed) return null;
  const reattached = messages
    .filter((m) => m.parentId === messageId && m.id !== messageId)
    .map((m) => ({ ...m, parentId: removed.parentId, updatedAt: now }));
  const rest = messages
    .filter((m) => m.id !== messageId)
    .map((m) => reattached.find((r) => r.id === m.id) ?? m);
  let leafId = currentLeafId;
  if (currentLeafId === messageId || currentLeafId === null) {
    leafId = removed.parentId ?? newestRoot(rest);
    if (leafId !== null && !rest.some((m) => m.id === leafId)) leafId = null;
    if (leafId !== null) leafId = newestLeafUnder(rest, leafId);
  }
  return { removed, reattached, leafId };
}

function newestRoot(messages: readonly Message[]): string | null {
  let newest: Message | undefined;
  for (const m of messages) {
    if (m.parentId === null && (!newest || m.createdAt > newest.createdAt)) newest = m;
  }
  return newest?.id ?? null;
}

/**
 * What undoing a removal writes: the message again, and the children that still hang where the
 * delete put them attached back to it (a child edited or deleted meanwhile is left as it is).
 */
export function restoreRemoval(
  messages: readonly Message[],
  removal: Removal,
  now: number,
): Message[] {
  const moved = new Set(removal.reattached.map((m) => m.id));
  const children = messages
    .filter((m) => moved.has(m.id) && m.parentId === removal.removed.parentId)
    .map((m) => ({ ...m, parentId: removal.removed.id, updatedAt: now }));
  return [removal.removed, ...children];
}

/** A message written by the person (any role) at the end of the branch shown; nothing is sent. */
export function appendedMessage(
  branch: readonly Message[],
  conversationId: string,
  role: Role,
  text: string,
  mint: Minting,
): Message {
  return {
    id: mint.newId(),
    conversationId,
    parentId: branch.at(-1)?.id ?? null,
    role,
    content: text,
    status: 'complete',
    createdAt: mint.now,
    updatedAt: mint.now,
  };
}

/**
 * A copy of the path from the first message to `messageId`, for a new conversation: new ids,
 * parents relinked to the copies, the same texts, roles, models and times (so the new chat reads
 * as the old one did). A reply still streaming is copied as far as it is stored, as stopped.
 */
export function copyPath(
  messages: readonly Message[],
  messageId: string,
  conversationId: string,
  newId: () => string,
): Message[] {
  const path = branchTo(messages, messageId);
  const copies: Message[] = [];
  for (const message of path) {
    const copy: Message = {
      ...message,
      id: newId(),
      conversationId,
      parentId: copies.at(-1)?.id ?? null,
    };
    if (copy.status === 'streaming') copy.status = 'stopped';
    copies.push(copy);
  }
  return copies;
}
