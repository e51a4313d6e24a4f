/**
 * Parley's own export (storage/transfer.ts reads and checks it). Records keep the fields a newer
 * Parley may have added, except keys that mean something to JavaScript objects themselves.
 */
import type { Message } from '../../domain/types';
import { ImportError, readExport } from '../../storage/transfer';
import type { ImportBatch, ImportNotes } from '../types';
import { refuse } from '../types';

const INERT_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Unknown fields are kept (a newer Parley wrote them), but not ones nested deeper than any record
 * of Parley's: IndexedDB's structured clone recurses, and overflows the stack near 2,000 levels.
 */
const MAX_FIELD_DEPTH = 32;

function withoutInertKeys<T extends object>(record: T): T {
  const clean: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const value = (record as Record<string, unknown>)[key];
    if (!INERT_KEYS.has(key) && depthOf(value) <= MAX_FIELD_DEPTH) clean[key] = value;
  }
  return clean as T;
}

/** Nesting depth of a parsed JSON value, counted without recursion (stops past the limit). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_FIELD_DEPTH) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export function convertParley(
  document: unknown,
  notes: ImportNotes,
): Omit<ImportBatch, 'notes'> & { notes: ImportNotes } {
  let data;
  try {
    data = readExport(document);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    const { problem } = error;
    if (problem.kind === 'newer-version')
      return refuse({ kind: 'newer-version', version: problem.version });
    if (problem.kind === 'invalid') return refuse({ kind: 'invalid', path: problem.path });
    return refuse({ kind: 'unknown-format' });
  }
  return {
    format: 'parley',
    conversations: data.conversations.map((conversation) => ({
      ...withoutInertKeys(conversation),
      messages: conversation.messages.map((message: Message) => withoutInertKeys(message)),
    })),
    presets: data.presets.map(withoutInertKeys),
    tombstones: data.tombstones ?? [],
    notes,
  };
}
