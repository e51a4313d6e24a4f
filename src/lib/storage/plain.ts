/**
 * Plain copies of records about to be written. IndexedDB stores a structured clone, and cloning
 * a Svelte `$state` proxy (at any depth) throws DataCloneError. Callers are meant to pass
 * `$state.snapshot(...)`, but one forgotten snapshot would turn every save into an error, so
 * writes copy defensively. Records are JSON by contract (types.ts), so copying objects and arrays
 * is enough; strings are shared, not copied, so a long message costs no more than a short one.
 */
export function toPlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(toPlain) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => [key, toPlain(field)]),
    ) as T;
  }
  return value;
}
