/**
 * Small helpers the store's transactions share (store.ts, and store-transfer.ts, which loads at
 * first use): reading tombstones, issuing writes, and the order records are listed in.
 */
import type { Conversation, Message } from '../domain/types';
import type { Tombstone } from './schema';

/** A stored tombstone as a list of zero or one: a damaged record reads as none. */
export function readTombstone(stored: unknown): Tombstone[] {
  const { id, deletedAt } = (stored ?? {}) as { id?: unknown; deletedAt?: unknown };
  if (typeof id !== 'string' || typeof deletedAt !== 'number' || !Number.isFinite(deletedAt)) {
    return [];
  }
  return [{ id, deletedAt }];
}

/**
 * Issues a write whose outcome the transaction reports (see `outcome` in store.ts): a failed
 * request aborts it. Observing the request's own promise keeps that same error from surfacing a
 * second time as an unhandled rejection; it is not awaited, since on a full disk Chrome never
 * settles it.
 */
export function issue(request: Promise<unknown>): void {
  request.catch(ignore);
}

export function ignore(): void {
  // Deliberately empty: the error is reported through the transaction's outcome instead.
}

export function byRecentActivity(a: Conversation, b: Conversation): number {
  return b.updatedAt - a.updatedAt || compareIds(a.id, b.id);
}

export function byCreation(a: Message, b: Message): number {
  return a.createdAt - b.createdAt || compareIds(a.id, b.id);
}

function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
