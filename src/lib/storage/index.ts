export { openStore, usageRepository } from './store';
export type { UsagePrefs, UsageRepository } from './usage';
export type { ConversationChange, OpenStoreOptions, ParleyStore } from './store';
export { readStoreChange, withBroadcast } from './broadcast';
export type { StoreChange } from './broadcast';
export type { ExportFile, ImportData, ImportProblem } from './transfer';
export { StorageError } from './errors';
export type { StorageErrorKind } from './errors';
export { DB_NAME, DB_VERSION } from './schema';
