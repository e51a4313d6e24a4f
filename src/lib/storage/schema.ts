/**
 * The shape of Parley's IndexedDB database. Records are typed as `Stored<T>`, not `T`: what is on
 * disk may have been written by an older version or imported, so every field but the key is
 * `unknown` until `normalize.ts` has read it.
 */
import type { DBSchema } from 'idb';
import type { Draft } from '../domain/draft';
import type { Conversation, Message, Preset, Settings } from '../domain/types';
import type { UsageDay, UsageRecord } from '../domain/usage';

// Changing any name below needs a migration (migrations.ts) and a DB_VERSION bump: existing
// databases keep the old names, and reading a store that does not exist throws NotFoundError.
// (A new DB_NAME starts an empty database: the old one must be copied over, or data is stranded.)
export const DB_NAME = 'parley';
export const DB_VERSION = 5;

export const CONVERSATIONS = 'conversations';
export const CONVERSATIONS_BY_UPDATED_AT = 'by-updatedAt';
export const MESSAGES = 'messages';
export const MESSAGES_BY_CONVERSATION = 'by-conversation';
export const SETTINGS = 'settings';
export const PRESETS = 'presets';
export const DRAFTS = 'drafts';
export const TOMBSTONES = 'tombstones';
export const USAGE = 'usage';
export const USAGE_BY_TIME = 'by-time';
export const USAGE_BY_CONVERSATION = 'by-conversation';
export const USAGE_DAYS = 'usage-days';
export const USAGE_PREFS = 'usage-prefs';
/** The one record of USAGE_PREFS (budget, the person's prices), like SETTINGS_KEY. */
export const USAGE_PREFS_KEY = 'prefs';
/**
 * Settings live in ONE record under this key, not one record per setting: they are few, read
 * together at start-up and saved together by the settings form, so a single get/put is atomic
 * and normalising against DEFAULT_SETTINGS happens in one place.
 */
export const SETTINGS_KEY = 'settings';

/** A record as it may be on disk: only the key path is certain, other fields are unchecked. */
export type Stored<T> = { readonly [K in keyof T]?: unknown } & { readonly id: string };
export type StoredConversation = Stored<Conversation>;
export type StoredMessage = Stored<Message>;
export type StoredPreset = Stored<Preset>;
export type StoredSettings = { readonly [K in keyof Settings]?: unknown };
/** A draft is keyed by its conversation's id (one unsent message per conversation). */
export type StoredDraft = { readonly [K in keyof Draft]?: unknown } & {
  readonly conversationId: string;
};

/**
 * What is left of a deleted conversation: its id and when it was deleted, so that importing an
 * older backup (or one from another device) does not bring it back.
 */
export interface Tombstone {
  id: string;
  deletedAt: number;
}
export type StoredTombstone = Stored<Tombstone>;
export type StoredUsage = Stored<UsageRecord>;
export type StoredUsageDay = { readonly [K in keyof UsageDay]?: unknown } & {
  readonly key: string;
};
export interface StoredUsagePrefs {
  readonly monthlyBudget?: unknown;
  readonly warnedMonth?: unknown;
  readonly customPrices?: unknown;
}

export interface ParleyDB extends DBSchema {
  [CONVERSATIONS]: {
    key: string;
    value: StoredConversation;
    indexes: { [CONVERSATIONS_BY_UPDATED_AT]: number };
  };
  [MESSAGES]: {
    key: string;
    value: StoredMessage;
    indexes: { [MESSAGES_BY_CONVERSATION]: string };
  };
  [SETTINGS]: {
    key: typeof SETTINGS_KEY;
    value: StoredSettings;
  };
  /** The person's own presets; the built-in ones are code (domain/presets.ts), never stored. */
  [PRESETS]: {
    key: string;
    value: StoredPreset;
  };
  /**
   * The unsent text of each conversation, keyed by conversation id. Its own store (not a field of
   * the conversation) so typing never rewrites the conversation or races its other writes.
   */
  [DRAFTS]: {
    key: string;
    value: StoredDraft;
  };
  /** One per deleted conversation, keyed by the conversation's id (see `Tombstone`). */
  [TOMBSTONES]: {
    key: string;
    value: StoredTombstone;
  };
  /** One record per finished request (see domain/usage.ts), indexed for a month and a conversation. */
  [USAGE]: {
    key: string;
    value: StoredUsage;
    indexes: { [USAGE_BY_TIME]: number; [USAGE_BY_CONVERSATION]: string };
  };
  /** Totals per local day and model, updated in the transaction that adds each usage record. */
  [USAGE_DAYS]: {
    key: string;
    value: StoredUsageDay;
  };
  /** The monthly budget and the person's own prices, in one record under USAGE_PREFS_KEY. */
  [USAGE_PREFS]: {
    key: typeof USAGE_PREFS_KEY;
    value: StoredUsagePrefs;
  };
}
