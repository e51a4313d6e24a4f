/**
 * One import, from a read file to written records: the summary first (nothing written), then,
 * on `Import`, the same plan run again inside the writing transaction. Used by the import worker;
 * tests drive it directly against fake-indexeddb.
 */
import type { ImportUndo, ParleyStore } from '../storage/store';
import { importRequest, planImport, type ImportReport } from './plan';
import type { ImportBatch } from './types';

export type ImportTarget = Pick<ParleyStore, 'runImport'>;

export async function previewImport(
  store: ImportTarget,
  batch: ImportBatch,
  now: number,
): Promise<ImportReport> {
  const request = importRequest(batch);
  const { result } = await store.runImport(
    request,
    (snapshot) => planImport(batch, snapshot, now),
    false,
  );
  return result;
}

export function applyImport(
  store: ImportTarget,
  batch: ImportBatch,
  now: number,
): Promise<{ result: ImportReport; undo: ImportUndo }> {
  const request = importRequest(batch);
  return store.runImport(request, (snapshot) => planImport(batch, snapshot, now), true);
}
