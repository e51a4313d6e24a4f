/** Pure functions over the conversation tree (messages linked by parentId). */
import type { Message } from './types';

const TITLE_MAX = 60;

/** The messages from the root down to `leafId`, in order. Unknown or cyclic links end the walk. */
export function branchTo(messages: readonly Message[], leafId: string | null): Message[] {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const branch: Message[] = [];
  const seen = new Set<string>();
  let cursor = leafId === null ? undefined : byId.get(leafId);
  while (cursor && !seen.has(cursor.id)) {
    seen.add(cursor.id);
    branch.push(cursor);
    cursor = cursor.parentId === null ? undefined : byId.get(cursor.parentId);
  }
  return branch.reverse();
}

/**
 * The leaf a conversation shows when its stored pointer is missing or dangling (old or imported
 * data): the most recently created message.
 */
export function latestLeaf(messages: readonly Message[]): string | null {
  let latest: Message | undefined;
  for (const m of messages) if (!latest || m.createdAt >= latest.createdAt) latest = m;
  return latest?.id ?? null;
}

/** A title from the first user message: its first line, whitespace folded, cut at a word. */
export function titleFromText(text: string): string {
  const line = text.trim().split('\n')[0]?.replace(/\s+/g, ' ').trim() ?? '';
  // Cut by code points, not UTF-16 units, so an emoji is never split in half.
  const chars = Array.from(line);
  if (chars.length <= TITLE_MAX) return line;
  const cut = chars.slice(0, TITLE_MAX).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * Children of every message (key `null`: the roots), each list oldest first. The n choices of one
 * request share a timestamp, so they are ordered by their choice index.
 */
export function childrenByParent(messages: readonly Message[]): Map<string | null, Message[]> {
  const children = new Map<string | null, Message[]>();
  for (const message of messages) {
    const list = children.get(message.parentId);
    if (list) list.push(message);
    else children.set(message.parentId, [message]);
  }
  for (const list of children.values()) list.sort(bySiblingOrder);
  return children;
}

function bySiblingOrder(a: Message, b: Message): number {
  return a.createdAt - b.createdAt || (a.choiceIndex ?? 0) - (b.choiceIndex ?? 0);
}

/** Where a message stands among its siblings (the versions under one parent), 1-based. */
export interface Version {
  index: number;
  count: number;
  siblings: Message[];
}

export function versionOf(
  children: ReadonlyMap<string | null, readonly Message[]>,
  message: Message,
): Version {
  const siblings = [...(children.get(message.parentId) ?? [message])];
  const index = siblings.findIndex((m) => m.id === message.id);
  return index === -1
    ? { index: 1, count: 1, siblings: [message] }
    : { index: index + 1, count: siblings.length, siblings };
}

/** Whether the branch ends with a message the model has not answered yet. */
export function awaitsReply(branch: readonly Message[]): boolean {
  return branch.at(-1)?.role === 'user';
}
