/**
 * What one tab changed in a conversation, field by field, so that the change can be applied over
 * the conversation as it is stored NOW (inside the writing transaction) rather than writing this
 * tab's whole copy over another tab's newer one. Parameters are compared one level deeper: one
 * tab changing the temperature and another the model both land.
 *
 * Two tabs changing the SAME field at once: the later write wins, as it would in one tab.
 * `updatedAt` is never moved back, so the sidebar's order only ever follows real activity.
 */
import type { Conversation } from './types';

export interface Patch {
  /** Fields set to a new value (compared as JSON: records are JSON by contract). */
  readonly set: Readonly<Record<string, unknown>>;
  /** Fields removed. */
  readonly unset: readonly string[];
  /** Object fields changed inside (only `params` today), as patches of their own. */
  readonly nested: Readonly<Record<string, Patch>>;
}

/** Fields whose object value is merged key by key rather than replaced as a whole. */
const NESTED = new Set(['params']);

export const EMPTY_PATCH: Patch = { set: {}, unset: [], nested: {} };

export function diffConversation(before: Conversation, after: Conversation): Patch {
  return diff(
    before as unknown as Record<string, unknown>,
    after as unknown as Record<string, unknown>,
    true,
  );
}

export function applyPatch(stored: Conversation, patch: Patch): Conversation {
  const next = apply(
    stored as unknown as Record<string, unknown>,
    patch,
  ) as unknown as Conversation;
  next.updatedAt = Math.max(stored.updatedAt, next.updatedAt);
  return next;
}

export function isEmptyPatch(patch: Patch): boolean {
  return (
    Object.keys(patch.set).length === 0 &&
    patch.unset.length === 0 &&
    Object.keys(patch.nested).length === 0
  );
}

function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  isTop: boolean,
): Patch {
  const set: Record<string, unknown> = {};
  const nested: Record<string, Patch> = {};
  const unset = Object.keys(before).filter((key) => !Object.hasOwn(after, key));
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (Object.hasOwn(before, key) && same(old, value)) continue;
    const oldRecord = record(old);
    const newRecord = record(value);
    if (isTop && NESTED.has(key) && oldRecord && newRecord) {
      nested[key] = diff(oldRecord, newRecord, false);
    } else {
      set[key] = value;
    }
  }
  return { set, unset, nested };
}

function apply(target: Record<string, unknown>, patch: Patch): Record<string, unknown> {
  const removed = new Set(patch.unset);
  const next: Record<string, unknown> = Object.fromEntries(
    Object.entries({ ...target, ...patch.set }).filter(([key]) => !removed.has(key)),
  );
  for (const [key, inner] of Object.entries(patch.nested)) {
    next[key] = apply(record(next[key]) ?? {}, inner);
  }
  return next;
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
