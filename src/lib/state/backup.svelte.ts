/**
 * Export and import of the whole history.
 *
 * Export: the JSON backup (storage/transfer.ts), or a `.zip` of Markdown files, one per
 * conversation (domain/markdown-export.ts). Both read one consistent snapshot and work offline.
 *
 * Import runs as a job in a Web Worker (lib/import): choosing a file reads, converts and plans it
 * there, with progress and Cancel; the summary then says what will happen per conversation and
 * nothing is written until `confirmImport`. The records an import replaced come back with it, so
 * `undoImport` puts them back exactly. The worker, fflate and the converters load only when a file
 * is chosen or an export made, never with the page.
 */
import type { MarkdownLabels } from '../domain/markdown-export';
import type { Conversation, Message } from '../domain/types';
import type { ImportJob, ImportJobOptions } from '../import/client';
import type { ImportReport } from '../import/plan';
import type { ImportRefusal } from '../import/types';
import type { ExportFile } from '../storage';
import { StorageError } from '../storage/errors';
import type { ImportUndo } from '../storage/store';

export interface BackupStore {
  exportAll(now: number): Promise<ExportFile>;
  undoImport(undo: ImportUndo): Promise<void>;
}

export type ImportPhase =
  | { type: 'idle' }
  /** `done` of `total` bytes read. */
  | { type: 'reading'; done: number; total: number }
  /** The summary, waiting for Import or Cancel. */
  | { type: 'review'; report: ImportReport }
  | { type: 'writing'; report: ImportReport }
  /** Written; Undo import is offered. */
  | { type: 'imported'; report: ImportReport }
  | { type: 'undoing'; report: ImportReport }
  | { type: 'undone' }
  /** The file was refused before anything was written. */
  | { type: 'refused'; refusal: ImportRefusal };

export type StartImport = (file: File, options: ImportJobOptions) => ImportJob;

export interface BackupDependencies {
  store: BackupStore;
  /** Hands the file to the browser (utils/download.ts); tests pass a spy. */
  save: (name: string, blob: Blob) => void;
  now?: () => number;
  /** Starts an import job; defaults to the worker (import/client.ts), tests run it in-process. */
  startImport?: StartImport;
  /** The worker wrote behind this tab's back: tell every tab (sync.ts `imported`). */
  onImported?: () => void;
  /** The words of the Markdown files, in the person's language. */
  markdownLabels?: () => MarkdownLabels;
  /**
   * Messages whose newest text only this page holds (their writes failed: a full disk). An
   * export carries them, since it is what the person is offered to keep that text.
   */
  unsaved?: () => readonly Message[];
  /** The conversation a message belongs to, as this page holds it (it may not be stored yet). */
  conversation?: (id: string) => Conversation | null;
}

export class BackupState {
  #phase = $state.raw<ImportPhase>({ type: 'idle' });
  #lastExport = $state.raw<{ name: string; conversations: number } | null>(null);
  #isExporting = $state(false);
  readonly #deps: BackupDependencies;
  readonly #now: () => number;
  #job: ImportJob | undefined;
  #undo: ImportUndo | undefined;

  constructor(deps: BackupDependencies) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  get phase(): ImportPhase {
    return this.#phase;
  }
  /** Something runs that a second file or export must wait for. */
  get isBusy(): boolean {
    const { type } = this.#phase;
    return type === 'reading' || type === 'writing' || type === 'undoing' || this.#isExporting;
  }
  get lastExport(): { name: string; conversations: number } | null {
    return this.#lastExport;
  }

  /** Saves the JSON export file. Rejects with a StorageError if reading failed. */
  async download(): Promise<void> {
    await this.#exporting(async () => {
      const now = this.#now();
      const file = this.#withUnsaved(await this.#deps.store.exportAll(now));
      const name = `parley-export-${day(now)}.json`;
      const blob = new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' });
      this.#deps.save(name, blob);
      this.#lastExport = { name, conversations: file.conversations.length };
    });
  }

  /** Saves a `.zip` with one Markdown file per conversation (its current branch). */
  async downloadMarkdown(): Promise<void> {
    await this.#exporting(async () => {
      const now = this.#now();
      const [file, { markdownZip }] = await Promise.all([
        this.#deps.store.exportAll(now).then((stored) => this.#withUnsaved(stored)),
        import('../import/markdown-zip'),
      ]);
      const blob = await markdownZip(file.conversations, this.#deps.markdownLabels?.());
      const name = `parley-markdown-${day(now)}.zip`;
      this.#deps.save(name, blob);
      this.#lastExport = { name, conversations: file.conversations.length };
    });
  }

  /** The stored export with the text only memory holds put in (see `unsaved`). */
  #withUnsaved(file: ExportFile): ExportFile {
    const unsaved = this.#deps.unsaved?.() ?? [];
    if (unsaved.length === 0) return file;
    const conversations = file.conversations.map((c) => ({ ...c, messages: [...c.messages] }));
    for (const message of unsaved) {
      let owner = conversations.find((c) => c.id === message.conversationId);
      if (!owner) {
        const held = this.#deps.conversation?.(message.conversationId);
        if (!held) continue;
        owner = { ...held, messages: [] };
        conversations.push(owner);
      }
      const index = owner.messages.findIndex((m) => m.id === message.id);
      if (index === -1) owner.messages.push(message);
      else owner.messages[index] = message;
    }
    return { ...file, conversations };
  }

  /**
   * Reads, converts and plans `file`, ending in `review` (or `refused`). Nothing is written.
   * Rejects with a StorageError when the database cannot be read (for the problem banner).
   */
  async chooseFile(file: File): Promise<void> {
    this.#job?.cancel();
    this.#undo = undefined;
    this.#phase = { type: 'reading', done: 0, total: file.size };
    const start = this.#deps.startImport ?? (await loadWorkerImport());
    const job = start(file, {
      now: this.#now(),
      onProgress: (done, total) => {
        if (this.#job === job) this.#phase = { type: 'reading', done, total };
      },
    });
    this.#job = job;
    try {
      const report = await job.preview;
      if (this.#job === job) this.#phase = { type: 'review', report };
    } catch (error) {
      if (this.#job !== job) return;
      this.#job = undefined;
      this.#fail(error);
    }
  }

  /** Writes what the summary lists. */
  async confirmImport(): Promise<void> {
    const job = this.#job;
    const phase = this.#phase;
    if (!job || phase.type !== 'review') return;
    this.#phase = { type: 'writing', report: phase.report };
    try {
      const { report, undo } = await job.apply();
      this.#undo = undo;
      this.#phase = { type: 'imported', report };
      this.#deps.onImported?.();
    } catch (error) {
      this.#phase = { type: 'review', report: phase.report };
      this.#fail(error);
    } finally {
      this.#job = undefined;
    }
  }

  /** Stops reading, or drops the summary; nothing has been written. */
  cancelImport(): void {
    const { type } = this.#phase;
    if (type !== 'reading' && type !== 'review' && type !== 'refused') return;
    this.#job?.cancel();
    this.#job = undefined;
    this.#phase = { type: 'idle' };
  }

  /** Puts back every record the import replaced, and removes the ones it added. */
  async undoImport(): Promise<void> {
    const undo = this.#undo;
    const phase = this.#phase;
    if (!undo || phase.type !== 'imported') return;
    this.#phase = { type: 'undoing', report: phase.report };
    try {
      await this.#deps.store.undoImport(undo);
      this.#undo = undefined;
      this.#phase = { type: 'undone' };
    } catch (error) {
      this.#phase = phase;
      throw error;
    }
  }

  dismiss(): void {
    if (this.isBusy || this.#phase.type === 'review') return;
    this.#undo = undefined;
    this.#phase = { type: 'idle' };
  }

  async #exporting(work: () => Promise<void>): Promise<void> {
    this.#isExporting = true;
    try {
      await work();
    } finally {
      this.#isExporting = false;
    }
  }

  #fail(error: unknown): void {
    if (error instanceof DOMException && error.name === 'AbortError') {
      this.#phase = { type: 'idle' };
      return;
    }
    const failure = (error as { failure?: unknown } | null)?.failure as
      | { type: 'refused'; refusal: ImportRefusal }
      | { type: 'failed'; kind: StorageError['kind'] | undefined; message: string }
      | undefined;
    if (failure?.type === 'refused') {
      this.#phase = { type: 'refused', refusal: failure.refusal };
      return;
    }
    if (this.#phase.type === 'reading') this.#phase = { type: 'idle' };
    if (failure?.type === 'failed') {
      throw failure.kind
        ? new StorageError(failure.kind, failure.message)
        : new Error(failure.message);
    }
    throw error;
  }
}

async function loadWorkerImport(): Promise<StartImport> {
  const { startImport } = await import('../import/client');
  return startImport;
}

function day(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}
