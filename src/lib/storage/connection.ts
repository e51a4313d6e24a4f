/**
 * Opens the database with an injectable IDBFactory. idb's `openDB` always uses the global
 * `indexedDB`, so this does what it does (open, run the upgrade, report `blocked`) on the given
 * factory and hands back idb's wrapped connection; tests pass a fresh fake factory each.
 */
import { wrap } from 'idb';
import type { IDBPDatabase } from 'idb';
import { migrate } from './migrations';
import { DB_VERSION } from './schema';
import type { ParleyDB } from './schema';

export async function openConnection(
  factory: IDBFactory,
  name: string,
  onBlocked: () => void,
): Promise<IDBPDatabase<ParleyDB>> {
  const request = factory.open(name, DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    migrate(wrap(request.result), event.oldVersion);
  });
  // Another tab holds an older version open and has not closed it (Parley tabs close themselves
  // on `versionchange`, see store.ts). The open stays pending and succeeds once that tab closes.
  request.addEventListener('blocked', onBlocked);
  const db = await wrap(request);
  // `wrap` types a connection as schema-less; this one has just been upgraded to ParleyDB.
  return db as unknown as IDBPDatabase<ParleyDB>;
}
