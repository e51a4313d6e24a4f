export { openStore } from './store';
export type { OpenStoreOptions, ParleyStore } from './store';
export { StorageError } from './errors';
export type { StorageErrorKind } from './errors';
export { DB_NAME, DB_VERSION } from './schema';
