/** Which branch to show so that a found message is on it. Pure, cycle-safe. */
import { branchTo } from '../domain/conversation';
import type { Message } from '../domain/types';

/**
 * The leaf to show for `messageId`: the current one if its branch already holds the message
 * (the person's place is kept), else the newest leaf under the message (the most recently
 * created message with no children, among its descendants; the message itself if it has none).
 * Null if the message is not in `messages`.
 */
export function leafFor(
  messages: readonly Message[],
  messageId: string,
  currentLeafId: string | null,
): string | null {
  const target = messages.find((m) => m.id === messageId);
  if (!target) return null;
  if (currentLeafId !== null && branchTo(messages, currentLeafId).some((m) => m.id === messageId)) {
    return currentLeafId;
  }
  const children = new Map<string, Message[]>();
  for (const message of messages) {
    if (message.parentId === null) continue;
    const list = children.get(message.parentId);
    if (list) list.push(message);
    else children.set(message.parentId, [message]);
  }
  let newest = target;
  const seen = new Set<string>([target.id]);
  const stack = [target];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const below = (children.get(node.id) ?? []).filter((child) => !seen.has(child.id));
    if (below.length === 0 && node !== target && isNewer(node, newest, target)) newest = node;
    for (const child of below) {
      seen.add(child.id);
      stack.push(child);
    }
  }
  return newest.id;
}

/** `candidate` is a newer leaf than `best` (the target itself counts as no leaf yet). */
function isNewer(candidate: Message, best: Message, target: Message): boolean {
  if (best === target) return true;
  return (
    candidate.createdAt > best.createdAt ||
    (candidate.createdAt === best.createdAt && candidate.id > best.id)
  );
}
