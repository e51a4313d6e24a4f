/**
 * What every converter produces: Parley's own records, plus counts of what could not be carried
 * over as it was, for the summary shown before anything is written.
 */
import type { Conversation, Message, Preset } from '../domain/types';

export type ImportFormat =
  'chatgpt' | 'betterchatgpt' | 'nextchat' | 'librechat' | 'chatbot-ui' | 'open-webui' | 'parley';

export interface ImportedConversation extends Conversation {
  messages: Message[];
}

/** A conversation deleted where the file was made (Parley exports only). */
export interface ImportedTombstone {
  id: string;
  deletedAt: number;
}

/**
 * What was changed or left out on the way in, by kind. Images and files are kept as notes with
 * their names (never their bytes); the rest are repairs of damaged or hostile data.
 */
export interface ImportNotes {
  images: number;
  files: number;
  /** Tool and browsing output kept as a note on the reply instead of a turn of its own. */
  toolOutputs: number;
  /** Messages the client hid from the conversation (and Parley leaves out). */
  hidden: number;
  /** Parent links to a message that is missing or in another conversation: attached to the root. */
  orphans: number;
  cycles: number;
  /** Timestamps after the time of import, set to it. */
  futureTimes: number;
  /** Records of a type or shape that could not be read at all. */
  unreadable: number;
}

export function emptyNotes(): ImportNotes {
  return {
    images: 0,
    files: 0,
    toolOutputs: 0,
    hidden: 0,
    orphans: 0,
    cycles: 0,
    futureTimes: 0,
    unreadable: 0,
  };
}

export interface ImportBatch {
  format: ImportFormat;
  conversations: ImportedConversation[];
  presets: Preset[];
  tombstones: ImportedTombstone[];
  notes: ImportNotes;
}

/** The limits a file must stay within; each refusal names the one it broke. */
export const IMPORT_LIMITS = {
  /** Real ChatGPT exports reach several hundred MB; this leaves room for the largest. */
  maxBytes: 2 * 1024 ** 3,
  /** Conversations plus messages. A 700 MB ChatGPT export holds a few hundred thousand. */
  maxRecords: 5_000_000,
  /**
   * JSON nesting. LibreChat's tree export nests two levels per message of a branch, so this
   * fits a 5,000-message conversation; Chromium's and Node's JSON.parse take 20,000 levels, so
   * deeper input is refused before it can overflow anything.
   */
  maxDepth: 10_000,
} as const;

export type ImportRefusal =
  | { kind: 'not-json' }
  | { kind: 'unknown-format' }
  | { kind: 'zip-without-conversations' }
  | { kind: 'not-zip' }
  | { kind: 'too-large'; limit: number }
  | { kind: 'too-deep'; limit: number }
  | { kind: 'too-many-records'; limit: number }
  | { kind: 'newer-version'; version: number }
  | { kind: 'invalid'; path: string };

export class ImportRefused extends Error {
  override readonly name = 'ImportRefused';
  readonly refusal: ImportRefusal;

  constructor(refusal: ImportRefusal) {
    super(`Import refused: ${refusal.kind}`);
    this.refusal = refusal;
  }
}

export function refuse(refusal: ImportRefusal): never {
  throw new ImportRefused(refusal);
}
