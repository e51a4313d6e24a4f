/**
 * A big history: 2,000 conversations of 100 messages of 500 characters (200,000 messages, about
 * 100 MB), seeded in Parley's own storage format. Figures:
 * - ready to type after a reload (the `parley:ready` mark ChatView sets), median of 3;
 * - the longest main-thread task from navigation until a second after ready (what loading the
 *   rest of the list in the background costs counts too: a person may type meanwhile), worst of 3;
 * - building the search index from scratch (the first search starts it): how long until every
 *   conversation is indexed and saved, the longest main-thread task meanwhile, the saved size;
 * - search on the built index, median and worst of 20 queries;
 * - streaming the 8,000-chunk reply with that history present: fps and main-thread busy share.
 */
import type { Page } from '@playwright/test';
import { clearData, median, seed, type BenchCase, type Figure } from '../support';
import { benchQueries, searchLatency, SIZED_TEXT_QUERIES } from './search';
import { benchStreaming } from './streaming';

const CONVERSATIONS = 2_000;

/** Installed before any page script, so the tasks of the first moments are seen too. */
const LONG_TASK_PROBE = `(() => {
  const tasks = [];
  window.__benchLongTasks = tasks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask' });
})();`;

export const history: BenchCase = {
  id: 'history',
  title: 'A history of 2,000 conversations × 100 messages × 500 characters…',
  run: async (bench) => {
    const { page, record } = bench;
    await clearData(page);
    const seeding = Date.now();
    await seed(page, CONVERSATIONS, 100, { chars: 500, perTransaction: 50 });
    await deleteSearchIndex(page);
    console.log(`  seeded in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);
    await page.addInitScript(LONG_TASK_PROBE);
    const ready: number[] = [];
    const longest: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.reload();
      // Not a locator: Playwright's role queries run in the page on every poll and would be the
      // longest tasks of a big page's load themselves.
      await page.waitForFunction(
        () => performance.getEntriesByName('parley:ready').length > 0,
        null,
        {
          polling: 250,
        },
      );
      const sample = await page.evaluate(async () => {
        const mark = async () => {
          for (;;) {
            const entry = performance.getEntriesByName('parley:ready')[0];
            if (entry) return entry.startTime;
            await new Promise((resolve) => requestAnimationFrame(resolve));
          }
        };
        const ready = await mark();
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, ready + 1_000 - performance.now())),
        );
        const tasks = (
          window as unknown as { __benchLongTasks: { start: number; duration: number }[] }
        ).__benchLongTasks;
        return { ready, longest: Math.max(0, ...tasks.map((t) => t.duration)) };
      });
      ready.push(sample.ready);
      longest.push(sample.longest);
    }
    record({
      name: 'history 2,000 × 100: ready to type (median of 3)',
      value: median(ready),
      unit: 'ms',
      budget: 400,
      kind: 'max',
    });
    record({
      name: 'history 2,000 × 100: longest task, load to 1 s after ready (worst of 3)',
      value: Math.max(...longest),
      unit: 'ms',
      budget: 50,
      kind: 'max',
    });
    await benchIndexBuild(page, record);
    await benchQueries(page, record, 'search 2,000 × 100, index built', SIZED_TEXT_QUERIES, 300);
    await benchStreaming(bench, 'streaming, 2,000 × 100 stored', false, { fps: 58, busyShare: 35 });
  },
};

/** What earlier cases indexed goes: this history is indexed from scratch. */
async function deleteSearchIndex(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        // A running search worker closes its connection when asked (search-store.ts).
        const request = indexedDB.deleteDatabase('parley-search');
        request.onsuccess = () => resolve();
        request.onerror = () => reject(new Error('could not delete the search index'));
      }),
  );
}

/** Conversations the saved index holds, and the characters of its saved shards. */
function savedIndex(page: Page, withSize: boolean): Promise<{ indexed: number; chars: number }> {
  return page.evaluate(async (sized) => {
    const db = await new Promise<IDBDatabase | null>((resolve) => {
      const request = indexedDB.open('parley-search');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
    });
    if (!db?.objectStoreNames.contains('conversations')) {
      db?.close();
      return { indexed: 0, chars: 0 };
    }
    const tx = db.transaction(['conversations', 'shards']);
    const ask = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(new Error('read failed'));
      });
    const indexed = await ask(tx.objectStore('conversations').count());
    let chars = 0;
    if (sized) {
      const shards = await ask(tx.objectStore('shards').getAll());
      for (const shard of shards as { json: string }[]) chars += shard.json.length;
    }
    db.close();
    return { indexed, chars };
  }, withSize);
}

/**
 * The first search starts the worker, which builds the index in the background while a plain
 * scan answers; the build ends when every conversation is indexed and saved.
 */
async function benchIndexBuild(page: Page, record: (figure: Figure) => void): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __benchLongTasks: unknown[] }).__benchLongTasks.length = 0;
  });
  const started = Date.now();
  record({
    name: 'search 2,000 × 100, first query (index not built yet)',
    value: await searchLatency(page, 'brown fox'),
    unit: 'ms',
    budget: 300,
    kind: 'max',
  });
  for (;;) {
    const { indexed } = await savedIndex(page, false);
    if (indexed >= CONVERSATIONS) break;
    if (Date.now() - started > 15 * 60_000) throw new Error(`index build stuck at ${indexed}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const seconds = (Date.now() - started) / 1000;
  const longest = await page.evaluate(() =>
    Math.max(
      0,
      ...(window as unknown as { __benchLongTasks: { duration: number }[] }).__benchLongTasks.map(
        (t) => t.duration,
      ),
    ),
  );
  const { chars } = await savedIndex(page, true);
  record({
    name: 'search index build, 2,000 × 100: until all indexed and saved',
    value: seconds,
    unit: 's',
    budget: Infinity,
    kind: 'max',
  });
  record({
    name: 'search index build, 2,000 × 100: longest main-thread task',
    value: longest,
    unit: 'ms',
    budget: 50,
    kind: 'max',
  });
  record({
    name: 'search index build, 2,000 × 100: saved size',
    value: chars / 1e6,
    unit: 'MB',
    budget: Infinity,
    kind: 'max',
  });
}
