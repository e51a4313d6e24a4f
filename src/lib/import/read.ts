/**
 * From a chosen file to Parley records: detects the format from the content (never the name),
 * streams it (unzipping on the way for ChatGPT's zip), converts conversation by conversation
 * and repairs what is unsafe. Runs in the import worker; pure apart from reading the Blob.
 *
 * Memory stays bounded by the converted result: the file is read in chunks, a zip entry is
 * inflated in chunks, and a top-level array is parsed one element at a time (json-stream.ts).
 */
import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';
import { convertChatGpt, isChatGptConversation } from './formats/chatgpt';
import { convertParley } from './formats/parley';
import {
  convertBetterChatGpt,
  convertChatbotUi,
  convertNextChatSession,
  isBetterChatGptChat,
  isChatbotUiConversation,
  nextChatSessions,
  NEXTCHAT_STORE,
  type SimpleContext,
} from './formats/simple';
import {
  convertLibreChat,
  convertOpenWebUi,
  isLibreChatExport,
  isOpenWebUiChat,
} from './formats/tree';
import { JsonStream } from './json-stream';
import { array, object, own } from './read-json';
import { isExport } from '../storage/transfer';
import { Repairer } from './repair';
import {
  emptyNotes,
  IMPORT_LIMITS,
  ImportRefused,
  refuse,
  type ImportBatch,
  type ImportedConversation,
  type ImportFormat,
} from './types';

export interface ReadOptions {
  /** The time of import: later timestamps are clamped to it. */
  now: number;
  /** The file's modification time, for formats that store no times. */
  fileTime: number;
  signal?: AbortSignal;
  /** Bytes of the file read so far, of `total`. */
  onProgress?: (done: number, total: number) => void;
  limits?: Partial<typeof IMPORT_LIMITS>;
}

/** Entries of a ChatGPT export zip that hold conversations (newer exports split them). */
const CONVERSATIONS_ENTRY = /(^|\/)conversations(-\d+)?\.json$/i;
const CHUNK_BYTES = 1024 * 1024;

export async function readImportFile(file: Blob, options: ReadOptions): Promise<ImportBatch> {
  const limits = { ...IMPORT_LIMITS, ...options.limits };
  if (file.size > limits.maxBytes) refuse({ kind: 'too-large', limit: limits.maxBytes });
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  const collector = new Collector(options, limits.maxRecords);
  const isZip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  if (isZip) await readZip(file, collector, options, limits.maxDepth);
  else {
    const decoder = new TextDecoder('utf-8');
    const stream = new JsonStream(collector, limits.maxDepth);
    await readChunks(file, options, (chunk, isLast) => {
      stream.push(decoder.decode(chunk, { stream: !isLast }));
    });
    stream.end();
  }
  return collector.batch();
}

async function readChunks(
  file: Blob,
  options: ReadOptions,
  onChunk: (chunk: Uint8Array, isLast: boolean) => void,
): Promise<void> {
  // Slices rather than file.stream(): the same in every browser, worker and Node's Blob.
  for (let offset = 0; offset < file.size || offset === 0; offset += CHUNK_BYTES) {
    options.signal?.throwIfAborted();
    const end = Math.min(file.size, offset + CHUNK_BYTES);
    const chunk = new Uint8Array(await file.slice(offset, end).arrayBuffer());
    onChunk(chunk, end >= file.size);
    options.onProgress?.(end, file.size);
    if (end >= file.size) break;
  }
}

async function readZip(file: Blob, collector: Collector, options: ReadOptions, maxDepth: number) {
  let found = 0;
  let failure: unknown;
  const unzip = new Unzip((entry) => {
    if (!CONVERSATIONS_ENTRY.test(entry.name)) return;
    found += 1;
    const decoder = new TextDecoder('utf-8');
    const stream = new JsonStream(collector, maxDepth);
    entry.ondata = (error, chunk, isLast) => {
      if (failure !== undefined) return;
      try {
        if (error) throw new ImportRefused({ kind: 'not-zip' });
        stream.push(decoder.decode(chunk, { stream: !isLast }));
        if (isLast) stream.end();
      } catch (caught) {
        failure = caught;
      }
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  await readChunks(file, options, (chunk, isLast) => {
    if (failure !== undefined) return;
    try {
      unzip.push(chunk, isLast);
    } catch {
      failure ??= new ImportRefused({ kind: 'not-zip' });
    }
  });
  if (failure !== undefined) throw failure as Error;
  if (found === 0) refuse({ kind: 'zip-without-conversations' });
}

/** Which array-element format a value is, if any. */
function elementFormat(value: unknown): ImportFormat | undefined {
  if (isChatGptConversation(value)) return 'chatgpt';
  if (isOpenWebUiChat(value)) return 'open-webui';
  if (isBetterChatGptChat(value)) return 'betterchatgpt';
  if (isChatbotUiConversation(value)) return 'chatbot-ui';
  return undefined;
}

/** Receives parsed values from one or more JSON streams and builds the batch. */
class Collector {
  readonly #options: ReadOptions;
  readonly #maxRecords: number;
  readonly #notes = emptyNotes();
  readonly #repairer: Repairer;
  readonly #conversations: ImportedConversation[] = [];
  #batch: Omit<ImportBatch, 'conversations' | 'notes'> | undefined;
  #format: ImportFormat | undefined;
  #records = 0;

  constructor(options: ReadOptions, maxRecords: number) {
    this.#options = options;
    this.#maxRecords = maxRecords;
    this.#repairer = new Repairer(options.now, this.#notes);
  }

  get #context(): SimpleContext {
    return { notes: this.#notes, fileTime: Math.min(this.#options.fileTime, this.#options.now) };
  }

  element(value: unknown): void {
    const format = elementFormat(value);
    this.#format ??= format ?? refuse({ kind: 'unknown-format' });
    if (format !== this.#format) {
      // One odd element in a long export: counted, the rest imported.
      this.#notes.unreadable += 1;
      return;
    }
    this.#add(this.#convertElement(format, value));
  }

  document(value: unknown): void {
    const record = object(value);
    if (!record) refuse({ kind: 'unknown-format' });
    if (isExport(record)) {
      const { conversations, presets, tombstones } = convertParley(record, this.#notes);
      this.#setFormat('parley');
      this.#batch = { format: 'parley', presets, tombstones };
      this.#add(conversations);
      return;
    }
    if (Object.hasOwn(record, NEXTCHAT_STORE)) {
      const sessions =
        nextChatSessions(record) ?? refuse({ kind: 'invalid', path: NEXTCHAT_STORE });
      this.#setFormat('nextchat');
      for (const session of sessions) this.#add(convertNextChatSession(session, this.#context));
      return;
    }
    if (isLibreChatExport(record)) {
      this.#setFormat('librechat');
      this.#add(convertLibreChat(record, this.#notes, this.#context.fileTime));
      return;
    }
    const history = own(record, 'history');
    if (Array.isArray(history) && (history.length === 0 || isChatbotUiConversation(history[0]))) {
      this.#setFormat('chatbot-ui');
      for (const item of history) this.#add(convertChatbotUi(item, this.#context));
      return;
    }
    const chats = own(record, 'chats');
    if (Array.isArray(chats) && (chats.length === 0 || isBetterChatGptChat(chats[0]))) {
      this.#setFormat('betterchatgpt');
      for (const chat of array(chats)) this.#add(convertBetterChatGpt(chat, this.#context));
      return;
    }
    // A single conversation of an array format (one chat downloaded on its own).
    const format = elementFormat(record);
    if (format) {
      this.#setFormat(format);
      this.#add(this.#convertElement(format, record));
      return;
    }
    refuse({ kind: 'unknown-format' });
  }

  batch(): ImportBatch {
    const format = this.#format ?? refuse({ kind: 'unknown-format' });
    return {
      format,
      presets: this.#batch?.presets ?? [],
      tombstones: this.#batch?.tombstones ?? [],
      conversations: this.#conversations,
      notes: this.#notes,
    };
  }

  #setFormat(format: ImportFormat): void {
    // A zip with several files: each must be the same format.
    if (this.#format !== undefined && this.#format !== format) refuse({ kind: 'unknown-format' });
    this.#format = format;
  }

  #convertElement(format: ImportFormat, value: unknown): ImportedConversation[] {
    switch (format) {
      case 'chatgpt':
        return convertChatGpt(value, this.#notes);
      case 'open-webui':
        return convertOpenWebUi(value, this.#notes);
      case 'betterchatgpt':
        return convertBetterChatGpt(value, this.#context);
      case 'chatbot-ui':
        return convertChatbotUi(value, this.#context);
      default:
        return refuse({ kind: 'unknown-format' });
    }
  }

  #add(conversations: readonly ImportedConversation[]): void {
    for (const conversation of conversations) {
      this.#records += 1 + conversation.messages.length;
      if (this.#records > this.#maxRecords)
        refuse({ kind: 'too-many-records', limit: this.#maxRecords });
      this.#conversations.push(this.#repairer.repair(conversation));
    }
  }
}
