/**
 * Export and import of the whole history as one JSON file (format in storage/transfer.ts).
 *
 * Export reads one consistent snapshot and hands a file to the browser to save; it works
 * offline and with a full disk (it only reads). Import checks the whole file first: a file that
 * is not an export, or that has a damaged record, is refused with the reason and changes
 * nothing; a good one is merged in one transaction (all or nothing).
 */
import type { ExportFile, ImportData, ImportProblem, ImportSummary } from '../storage';

/** The file format code runs only on export or import, so it loads then, not with the page. */
const transfer = () => import('../storage/transfer');

export interface BackupStore {
  exportAll(now: number): Promise<ExportFile>;
  importAll(data: ImportData): Promise<ImportSummary>;
}

export type ImportOutcome =
  | { type: 'imported'; summary: ImportSummary }
  /** The file was refused before anything was written. */
  | { type: 'refused'; problem: ImportProblem };

export interface BackupDependencies {
  store: BackupStore;
  /** Hands the file to the browser (utils/download.ts); tests pass a spy. */
  save: (name: string, blob: Blob) => void;
  now?: () => number;
}

export class BackupState {
  #isBusy = $state(false);
  #lastImport = $state.raw<ImportOutcome | null>(null);
  #lastExport = $state.raw<{ name: string; conversations: number } | null>(null);
  readonly #deps: BackupDependencies;
  readonly #now: () => number;

  constructor(deps: BackupDependencies) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  get isBusy(): boolean {
    return this.#isBusy;
  }
  get lastImport(): ImportOutcome | null {
    return this.#lastImport;
  }
  get lastExport(): { name: string; conversations: number } | null {
    return this.#lastExport;
  }

  /** Saves the export file. Rejects with a StorageError if reading failed. */
  async download(): Promise<void> {
    const now = this.#now();
    const file = await this.#deps.store.exportAll(now);
    const name = `parley-export-${new Date(now).toISOString().slice(0, 10)}.json`;
    const blob = new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' });
    this.#deps.save(name, blob);
    this.#lastExport = { name, conversations: file.conversations.length };
  }

  /**
   * Imports a chosen file. A file that is not a valid export resolves as `refused` (nothing
   * written); a storage failure (a full disk) rejects, and nothing is written either.
   */
  async import(file: Pick<Blob, 'text'>): Promise<ImportOutcome> {
    this.#isBusy = true;
    this.#lastImport = null;
    try {
      const { ImportError, parseExport } = await transfer();
      let data: ImportData;
      try {
        data = parseExport(await file.text());
      } catch (error) {
        if (!(error instanceof ImportError)) throw error;
        return this.#done({ type: 'refused', problem: error.problem });
      }
      return this.#done({ type: 'imported', summary: await this.#deps.store.importAll(data) });
    } finally {
      this.#isBusy = false;
    }
  }

  dismiss(): void {
    this.#lastImport = null;
  }

  #done(outcome: ImportOutcome): ImportOutcome {
    this.#lastImport = outcome;
    return outcome;
  }
}
