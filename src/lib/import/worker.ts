/**
 * The import worker: reads, parses and converts the chosen file, and plans and writes the import,
 * all off the main thread, so a several-hundred-MB ChatGPT export never freezes the page. It opens
 * its own connection to Parley's database (IndexedDB works in workers) and keeps the converted
 * batch between the summary and `Import`, so the page never holds or copies it. Cancel is
 * `terminate()`: nothing has been written before `apply`, and a write in progress is one
 * transaction, so it lands whole or not at all.
 */
import { StorageError } from '../storage/errors';
import { openStore } from '../storage/store';
import type { FromImportWorker, ToImportWorker } from './protocol';
import { readImportFile } from './read';
import { applyImport, previewImport } from './session';
import { ImportRefused, type ImportBatch } from './types';

let pending: { batch: ImportBatch; now: number; databaseName: string | undefined } | undefined;

function post(message: FromImportWorker): void {
  self.postMessage(message);
}

async function withStore<T>(
  databaseName: string | undefined,
  work: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>,
): Promise<T> {
  const store = await openStore(databaseName === undefined ? {} : { name: databaseName });
  try {
    return await work(store);
  } finally {
    store.close();
  }
}

async function handle(message: ToImportWorker): Promise<void> {
  if (message.type === 'read') {
    let lastPosted = 0;
    const batch = await readImportFile(message.file, {
      now: message.now,
      fileTime: message.fileTime,
      onProgress: (done, total) => {
        // About a hundred updates, whatever the size: enough for the bar, few enough to be free.
        if (done === total || done - lastPosted >= total / 100) {
          lastPosted = done;
          post({ type: 'progress', done, total });
        }
      },
    });
    pending = { batch, now: message.now, databaseName: message.databaseName };
    const report = await withStore(message.databaseName, (store) =>
      previewImport(store, batch, message.now),
    );
    post({ type: 'preview', report });
    return;
  }
  if (!pending) throw new Error('Nothing to import: read a file first.');
  const { batch, now, databaseName } = pending;
  const { result, undo } = await withStore(databaseName, (store) => applyImport(store, batch, now));
  pending = undefined;
  post({ type: 'applied', report: result, undo });
}

self.addEventListener('message', (event: MessageEvent<ToImportWorker>) => {
  handle(event.data).catch((error: unknown) => {
    if (error instanceof ImportRefused) {
      post({ type: 'refused', refusal: error.refusal });
      return;
    }
    post({
      type: 'failed',
      kind: error instanceof StorageError ? error.kind : undefined,
      message: error instanceof Error ? error.message : String(error),
    });
  });
});
