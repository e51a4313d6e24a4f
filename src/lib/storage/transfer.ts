/**
 * The export file: what it holds, how it is built, and how an imported one is checked.
 *
 * An export is one JSON document, versioned so that a later Parley can still read it:
 * `{ format: 'parley-export', version: 1, exportedAt, conversations: [{ ...conversation,
 * messages: [...] }], presets: [...], settings: {...} }`. It never holds the API key, in any form:
 * settings are exported through an allow-list, so a secret added to Settings later stays out
 * until someone decides otherwise (the list does not compile until every field is decided).
 *
 * Importing parses and checks the whole file before anything is written, and normalises every
 * record with the same functions that read IndexedDB, so an export from an older (or newer)
 * Parley loads like old data on disk does. A file that fails the check changes nothing.
 */
import type { Conversation, Message, Preset, Settings } from '../domain/types';
import { isBuiltIn } from '../domain/presets';
import type { Tombstone } from './schema';
import { normalizeConversation, normalizeMessage, normalizePreset } from './normalize';

export const EXPORT_FORMAT = 'parley-export';
/** Bump only with a reader for the older version below: files out there keep their version. */
export const EXPORT_VERSION = 1;

/** Settings that may leave this browser in a file. `false`: never exported. */
const EXPORTED_SETTINGS: { [K in keyof Settings]-?: boolean } = {
  apiKey: false,
  encryptedKey: false,
  // How this browser keeps the key: a device choice, meaningless (and misleading) elsewhere.
  keyMode: false,
  baseUrl: true,
  provider: true,
  azureApiVersion: true,
  locale: true,
  organization: true,
  project: true,
  defaultPresetId: true,
  requestsPerMinute: true,
  tokensPerMinute: true,
  theme: true,
  isAutoTitleOn: true,
  titleModel: true,
};

export type ExportedSettings = Partial<Settings>;

export interface ExportedConversation extends Conversation {
  messages: Message[];
}

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** ISO 8601, for people reading the file; nothing depends on it. */
  exportedAt: string;
  conversations: ExportedConversation[];
  presets: Preset[];
  settings: ExportedSettings;
  /** Conversations deleted here: an import of this file elsewhere does not bring them back. */
  tombstones: Tombstone[];
}

/** What an import file holds once checked and normalised. Settings are not imported. */
export interface ImportData {
  conversations: ExportedConversation[];
  presets: Preset[];
  /** Optional: files from before tombstones existed have none. */
  tombstones?: Tombstone[];
}

export type ImportProblem =
  | { kind: 'not-json' }
  /** Valid JSON, but not a Parley export (another app's file, a settings dump...). */
  | { kind: 'not-export' }
  /** Made by a newer Parley whose format this version cannot read. */
  | { kind: 'newer-version'; version: number }
  /** A record that cannot be read; `path` says which, e.g. `conversations[2].messages[0].id`. */
  | { kind: 'invalid'; path: string };

export class ImportError extends Error {
  override readonly name = 'ImportError';
  readonly problem: ImportProblem;

  constructor(problem: ImportProblem) {
    super(describe(problem));
    this.problem = problem;
  }
}

function describe(problem: ImportProblem): string {
  switch (problem.kind) {
    case 'not-json':
      return 'The file is not JSON.';
    case 'not-export':
      return 'The file is not a Parley export.';
    case 'newer-version':
      return `The file was made by a newer Parley (format version ${problem.version}).`;
    case 'invalid':
      return `The file has an invalid record at ${problem.path}.`;
  }
}

export function buildExport(
  conversations: readonly Conversation[],
  messages: readonly Message[],
  presets: readonly Preset[],
  settings: Settings,
  now: number,
  tombstones: readonly Tombstone[] = [],
): ExportFile {
  const byConversation = new Map<string, Message[]>();
  for (const message of messages) {
    const list = byConversation.get(message.conversationId) ?? [];
    list.push(message);
    byConversation.set(message.conversationId, list);
  }
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date(now).toISOString(),
    conversations: conversations.map((conversation) => ({
      ...conversation,
      messages: byConversation.get(conversation.id) ?? [],
    })),
    presets: [...presets],
    settings: exportedSettings(settings),
    tombstones: [...tombstones],
  };
}

function exportedSettings(settings: Settings): ExportedSettings {
  const entries = Object.entries(settings).filter(
    ([key]) => (EXPORTED_SETTINGS as Record<string, boolean | undefined>)[key] === true,
  );
  return Object.fromEntries(entries);
}

/** Parses and checks an export file's text; throws ImportError saying what is wrong. */
export function parseExport(text: string): ImportData {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    throw new ImportError({ kind: 'not-json' });
  }
  return readExport(root);
}

/** Whether a parsed document is a Parley export (of any version). */
export function isExport(root: unknown): boolean {
  return object(root)?.format === EXPORT_FORMAT;
}

/** Checks an already parsed export file; throws ImportError saying what is wrong. */
export function readExport(root: unknown): ImportData {
  const file = object(root);
  if (file?.format !== EXPORT_FORMAT) throw new ImportError({ kind: 'not-export' });
  const { version } = file;
  if (!Number.isSafeInteger(version) || (version as number) < 1) invalid('version');
  if ((version as number) > EXPORT_VERSION) {
    throw new ImportError({ kind: 'newer-version', version: version as number });
  }
  return {
    conversations: readConversations(file.conversations),
    presets: readPresets(file.presets),
    tombstones: readTombstones(file.tombstones),
  };
}

function readTombstones(value: unknown): Tombstone[] {
  if (value === undefined) return [];
  return array(value, 'tombstones').map((item, index) => {
    const record = object(item) ?? invalid(`tombstones[${index}]`);
    const id = identifier(record.id, `tombstones[${index}].id`);
    const { deletedAt } = record;
    if (typeof deletedAt !== 'number' || !Number.isFinite(deletedAt)) {
      invalid(`tombstones[${index}].deletedAt`);
    }
    return { id, deletedAt };
  });
}

function readConversations(value: unknown): ExportedConversation[] {
  const list = array(value, 'conversations');
  const conversationIds = new Set<string>();
  const messageIds = new Set<string>();
  return list.map((item, index) => {
    const path = `conversations[${index}]`;
    const record = object(item) ?? invalid(path);
    const id = identifier(record.id, `${path}.id`);
    if (conversationIds.has(id)) invalid(`${path}.id`);
    conversationIds.add(id);
    const { messages: rawMessages, ...fields } = record;
    const messages = array(rawMessages, `${path}.messages`).map((raw, messageIndex) => {
      const messagePath = `${path}.messages[${messageIndex}]`;
      const message = object(raw) ?? invalid(messagePath);
      const messageId = identifier(message.id, `${messagePath}.id`);
      if (messageIds.has(messageId)) invalid(`${messagePath}.id`);
      messageIds.add(messageId);
      // A message filed under another conversation would be imported into the wrong one.
      if (message.conversationId !== undefined && message.conversationId !== id) {
        invalid(`${messagePath}.conversationId`);
      }
      return normalizeMessage({ ...message, id: messageId, conversationId: id });
    });
    return { ...normalizeConversation({ ...fields, id }), messages };
  });
}

function readPresets(value: unknown): Preset[] {
  // Optional: a file written by hand, or by a tool, may hold conversations only.
  if (value === undefined) return [];
  const ids = new Set<string>();
  return array(value, 'presets').flatMap((item, index) => {
    const path = `presets[${index}]`;
    const record = object(item) ?? invalid(path);
    const id = identifier(record.id, `${path}.id`);
    if (ids.has(id)) invalid(`${path}.id`);
    ids.add(id);
    // Built-in presets are code, never records: one in a file is left out, not stored twice.
    if (isBuiltIn(id)) return [];
    return [normalizePreset({ ...record, id })];
  });
}

function invalid(path: string): never {
  throw new ImportError({ kind: 'invalid', path });
}

function identifier(value: unknown, path: string): string {
  return typeof value === 'string' && value !== '' ? value : invalid(path);
}

function array(value: unknown, path: string): unknown[] {
  return Array.isArray(value) ? value : invalid(path);
}

function object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
