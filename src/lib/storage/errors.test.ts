import { describe, expect, it } from 'vitest';
import { StorageError, toStorageError } from './errors';

describe('toStorageError', () => {
  it.each([
    ['QuotaExceededError', 'quota'],
    ['NS_ERROR_DOM_QUOTA_REACHED', 'quota'],
    ['InvalidStateError', 'unavailable'],
    ['SecurityError', 'unavailable'],
    ['UnknownError', 'unavailable'],
    ['VersionError', 'blocked'],
    ['DataError', 'unknown'],
    ['AbortError', 'unknown'],
  ] as const)('maps a DOMException named %s to %s', (name, kind) => {
    const cause = new DOMException('it failed', name);
    const error = toStorageError(cause);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe(kind);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('it failed');
  });

  it('recognises quota errors by the legacy code 22 whatever their name', () => {
    expect(toStorageError({ name: 'Error', code: 22, message: 'full' }).kind).toBe('quota');
  });

  it('returns a StorageError unchanged', () => {
    const original = new StorageError('blocked', 'another tab');
    expect(toStorageError(original)).toBe(original);
  });

  it('wraps plain errors and thrown non-errors as unknown', () => {
    expect(toStorageError(new TypeError('bad')).kind).toBe('unknown');
    const fromString = toStorageError('weird');
    expect(fromString.kind).toBe('unknown');
    expect(fromString.message).toContain('weird');
    expect(fromString.cause).toBe('weird');
  });

  it('names itself for logs', () => {
    expect(new StorageError('quota', 'full').name).toBe('StorageError');
  });
});
