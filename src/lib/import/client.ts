/**
 * The page's side of the import worker: one job per chosen file. Loaded only when a file is
 * chosen (BackupState imports it dynamically), and the worker with it.
 */
import type { ImportUndo } from '../storage/store';
import type { ImportReport } from './plan';
import type { FromImportWorker, ToImportWorker } from './protocol';
import type { ImportRefusal } from './types';
import type { StorageErrorKind } from '../storage/errors';

export type ImportJobFailure =
  | { type: 'refused'; refusal: ImportRefusal }
  | { type: 'failed'; kind: StorageErrorKind | undefined; message: string };

export class ImportJobError extends Error {
  override readonly name = 'ImportJobError';
  readonly failure: ImportJobFailure;
  constructor(failure: ImportJobFailure) {
    super(failure.type === 'refused' ? `Import refused: ${failure.refusal.kind}` : failure.message);
    this.failure = failure;
  }
}

export interface ImportJob {
  /** The summary; rejects with ImportJobError when the file is refused or reading fails. */
  readonly preview: Promise<ImportReport>;
  /** Writes what the summary said (planned again against what is stored now). */
  apply(): Promise<{ report: ImportReport; undo: ImportUndo }>;
  /** Stops the worker at once; nothing is written unless `apply` already committed. */
  cancel(): void;
}

export interface ImportJobOptions {
  now: number;
  onProgress: (done: number, total: number) => void;
  /** Tests use their own database. */
  databaseName?: string;
}

export function startImport(file: File, options: ImportJobOptions): ImportJob {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), {
    type: 'module',
    name: 'parley-import',
  });
  let settle:
    { resolve: (message: FromImportWorker) => void; reject: (error: Error) => void } | undefined;
  const next = () =>
    new Promise<FromImportWorker>((resolve, reject) => {
      settle = { resolve, reject };
    });
  worker.addEventListener('message', (event: MessageEvent<FromImportWorker>) => {
    const message = event.data;
    if (message.type === 'progress') {
      options.onProgress(message.done, message.total);
      return;
    }
    settle?.resolve(message);
  });
  worker.addEventListener('error', (event) => {
    settle?.reject(
      new ImportJobError({
        type: 'failed',
        kind: undefined,
        message: event.message || 'The import worker failed.',
      }),
    );
  });
  const send = (message: ToImportWorker) => {
    worker.postMessage(message);
  };
  const answer = next();
  send({
    type: 'read',
    file,
    fileTime: file.lastModified,
    now: options.now,
    ...(options.databaseName === undefined ? {} : { databaseName: options.databaseName }),
  });
  const expect = async <T extends FromImportWorker['type']>(
    pending: Promise<FromImportWorker>,
    type: T,
  ): Promise<Extract<FromImportWorker, { type: T }>> => {
    const message = await pending;
    if (message.type === type) return message as Extract<FromImportWorker, { type: T }>;
    if (message.type === 'refused' || message.type === 'failed') throw new ImportJobError(message);
    throw new ImportJobError({
      type: 'failed',
      kind: undefined,
      message: `Unexpected ${message.type}`,
    });
  };
  return {
    preview: expect(answer, 'preview').then((message) => message.report),
    async apply() {
      const applied = next();
      send({ type: 'apply' });
      try {
        const message = await expect(applied, 'applied');
        return { report: message.report, undo: message.undo };
      } finally {
        worker.terminate();
      }
    },
    cancel() {
      worker.terminate();
      settle?.reject(new DOMException('The import was cancelled.', 'AbortError'));
    },
  };
}
