/**
 * The search worker: owns the index (engine.ts) and reads Parley's database itself, so neither
 * indexing nor a plain scan ever runs on the page's main thread. Started by SearchState on the
 * first search; lives as long as the page.
 */
import { openMessageSource, openSearchStore } from '../storage/search-store';
import { SearchEngine } from './engine';
import type { FromWorker, ToWorker } from './protocol';

/** The one worker that may save the index, across every tab (see engine.ts). */
const PERSIST_LOCK = 'parley-search-persist';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
  navigator: { locks?: LockManager };
}

const scope = self as unknown as WorkerScope;

/** Held until the worker ends (its page closes): then another tab's worker may save. */
function acquirePersistLock(onAcquired: () => void): void {
  const locks = scope.navigator.locks;
  if (!locks) {
    onAcquired();
    return;
  }
  void locks.request(PERSIST_LOCK, () => {
    onAcquired();
    return new Promise<never>(() => undefined);
  });
}

const engine = Promise.all([openMessageSource(), openSearchStore()]).then(
  ([source, store]) => new SearchEngine({ source, store, acquirePersistLock }),
);
let latest = 0;

async function search(id: number, text: string, exclude: string[]): Promise<void> {
  latest = id;
  try {
    const hits = await (
      await engine
    ).search(text, { exclude: new Set(exclude), isStale: () => latest !== id });
    if (latest === id) scope.postMessage({ type: 'results', id, hits });
  } catch (error) {
    scope.postMessage({
      type: 'failed',
      id,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  switch (message.type) {
    case 'search':
      void search(message.id, message.text, message.exclude);
      break;
    case 'changed':
      void engine.then((ready) => ready.changed(message.ids)).catch(() => undefined);
      break;
  }
});
