/**
 * Makes converted conversations safe to store, whatever the file held: every id unique, every
 * message filed under its own conversation, parent links pointing inside it (a missing or
 * foreign parent makes the message a root), no cycles (each broken where it closes, counted),
 * a current leaf that exists, and no time after the moment of import (a record dated 1e308
 * would otherwise sort first forever).
 */
import type { Message } from '../domain/types';
import type { ImportedConversation, ImportNotes } from './types';

export class Repairer {
  readonly #now: number;
  readonly #notes: ImportNotes;
  readonly #conversationIds = new Set<string>();
  readonly #messageIds = new Set<string>();

  constructor(now: number, notes: ImportNotes) {
    this.#now = now;
    this.#notes = notes;
  }

  repair(input: ImportedConversation): ImportedConversation {
    const id = unique(input.id, this.#conversationIds);
    this.#conversationIds.add(id);
    const renamed = new Map<string, string>();
    const messages: Message[] = input.messages.map((item) => {
      const messageId = unique(item.id, this.#messageIds);
      this.#messageIds.add(messageId);
      // The first message under an id keeps it for parent links; later duplicates are new ids.
      if (!renamed.has(item.id)) renamed.set(item.id, messageId);
      const createdAt = this.#time(item.createdAt);
      return {
        ...item,
        id: messageId,
        conversationId: id,
        createdAt,
        updatedAt: Math.max(createdAt, this.#time(item.updatedAt)),
      };
    });
    const ids = new Set(messages.map((item) => item.id));
    for (const item of messages) {
      if (item.parentId === null) continue;
      const parent = renamed.get(item.parentId) ?? item.parentId;
      if (ids.has(parent) && parent !== item.id) item.parentId = parent;
      else {
        if (parent === item.id) this.#notes.cycles += 1;
        else this.#notes.orphans += 1;
        item.parentId = null;
      }
    }
    breakCycles(messages, this.#notes);
    const createdAt = this.#time(input.createdAt);
    const leaf =
      input.currentLeafId === null
        ? undefined
        : (renamed.get(input.currentLeafId) ?? input.currentLeafId);
    return {
      ...input,
      id,
      createdAt,
      updatedAt: Math.max(createdAt, this.#time(input.updatedAt)),
      currentLeafId: leaf !== undefined && ids.has(leaf) ? leaf : latestLeaf(messages),
      messages,
    };
  }

  #time(value: number): number {
    if (!Number.isFinite(value) || value < 0) return 0;
    if (value > this.#now) {
      this.#notes.futureTimes += 1;
      return this.#now;
    }
    return value;
  }
}

function unique(id: string, taken: ReadonlySet<string>): string {
  if (!taken.has(id)) return id;
  let n = 2;
  while (taken.has(`${id}~${String(n)}`)) n += 1;
  return `${id}~${String(n)}`;
}

/** Walks up from every message once; a walk that meets itself cuts the link that closed it. */
export function breakCycles(messages: readonly Message[], notes: ImportNotes): void {
  const byId = new Map(messages.map((item) => [item.id, item]));
  const state = new Map<string, 'walking' | 'done'>();
  for (const start of messages) {
    const path: Message[] = [];
    let current: Message | undefined = start;
    while (current && state.get(current.id) === undefined) {
      state.set(current.id, 'walking');
      path.push(current);
      current = current.parentId === null ? undefined : byId.get(current.parentId);
    }
    if (current && state.get(current.id) === 'walking') {
      const closing = path[path.length - 1];
      if (closing) closing.parentId = null;
      notes.cycles += 1;
    }
    for (const item of path) state.set(item.id, 'done');
  }
}

/** The newest message that no other message answers, or null for an empty conversation. */
function latestLeaf(messages: readonly Message[]): string | null {
  const parents = new Set(messages.map((item) => item.parentId));
  let best: Message | undefined;
  for (const item of messages) {
    if (parents.has(item.id)) continue;
    if (!best || item.createdAt >= best.createdAt) best = item;
  }
  return best?.id ?? null;
}
