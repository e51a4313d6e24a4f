/**
 * One error type for every storage failure, with a closed `kind` the UI turns into words
 * ("Storage is full", "Close other Parley tabs") instead of crashing on a raw DOMException.
 */

export type StorageErrorKind =
  /** The origin's quota is used up: deleting conversations frees space. */
  | 'quota'
  /** Another tab holds a different database version: closing it, or reloading this one, helps. */
  | 'blocked'
  /** IndexedDB cannot be used at all here (private mode, disabled storage, broken backing store). */
  | 'unavailable'
  | 'unknown';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly kind: StorageErrorKind;
  override readonly cause: unknown;

  constructor(kind: StorageErrorKind, message: string, cause?: unknown) {
    super(message);
    this.kind = kind;
    this.cause = cause;
  }
}

/**
 * DOMException names (and legacy codes) by kind. Browsers disagree on the details:
 * - quota: `QuotaExceededError` (legacy code 22); old Firefox `NS_ERROR_DOM_QUOTA_REACHED`.
 * - unavailable: Firefox private windows and old Safari throw `InvalidStateError` on open, which
 *   is also what any call on a closed connection throws; storage disabled by the user or an opaque
 *   origin gives `SecurityError`; Chrome reports a broken or unreadable backing store as
 *   `UnknownError`.
 * - blocked: `VersionError` means the database on disk is newer than this tab's code (a newer
 *   Parley upgraded it in another tab), which the same advice fixes: reload.
 */
const KIND_BY_NAME: ReadonlyMap<string, StorageErrorKind> = new Map([
  ['QuotaExceededError', 'quota'],
  ['NS_ERROR_DOM_QUOTA_REACHED', 'quota'],
  ['InvalidStateError', 'unavailable'],
  ['SecurityError', 'unavailable'],
  ['UnknownError', 'unavailable'],
  ['VersionError', 'blocked'],
]);
const LEGACY_QUOTA_EXCEEDED_CODE = 22;

export function toStorageError(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const { name, code, message } = readError(error);
  const kind =
    KIND_BY_NAME.get(name) ?? (code === LEGACY_QUOTA_EXCEEDED_CODE ? 'quota' : 'unknown');
  return new StorageError(kind, `${name}: ${message}`, error);
}

/** Reads name/code/message off anything thrown: DOMException, Error, or a stray value. */
function readError(error: unknown): { name: string; code: unknown; message: string } {
  if (typeof error === 'object' && error !== null) {
    const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
    return {
      name: typeof name === 'string' ? name : 'Error',
      code,
      message: typeof message === 'string' ? message : '',
    };
  }
  return { name: 'Error', code: undefined, message: String(error) };
}
