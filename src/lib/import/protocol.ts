/** Messages between the page and the import worker (worker.ts). */
import type { StorageErrorKind } from '../storage/errors';
import type { ImportUndo } from '../storage/store';
import type { ImportReport } from './plan';
import type { ImportRefusal } from './types';

export type ToImportWorker =
  /** Read, convert and plan `file`; answers `progress`…, then `preview` (or `refused`). */
  | { type: 'read'; file: Blob; fileTime: number; now: number; databaseName?: string }
  /** Write what the preview said; answers `applied`. */
  | { type: 'apply' };

export type FromImportWorker =
  | { type: 'progress'; done: number; total: number }
  | { type: 'preview'; report: ImportReport }
  | { type: 'applied'; report: ImportReport; undo: ImportUndo }
  | { type: 'refused'; refusal: ImportRefusal }
  /** Anything else: a storage failure (its kind), or a bug (`kind` undefined). */
  | { type: 'failed'; kind: StorageErrorKind | undefined; message: string };
