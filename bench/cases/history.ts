/**
 * A big history: 2,000 conversations of 100 messages of 500 characters (200,000 messages, about
 * 100 MB), seeded in Parley's own storage format. Figures:
 * - ready to type after a reload (the `parley:ready` mark ChatView sets), median of 3;
 * - the longest main-thread task from navigation until a second after ready (what loading the
 *   rest of the list in the background costs counts too: a person may type meanwhile), worst of 3;
 * - streaming the 8,000-chunk reply with that history present: fps and main-thread busy share.
 */
import { clearData, median, seed, type BenchCase } from '../support';
import { benchStreaming } from './streaming';

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
    await seed(page, 2_000, 100, { chars: 500, perTransaction: 50 });
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
    await benchStreaming(bench, 'streaming, 2,000 × 100 stored', false, { fps: 58, busyShare: 35 });
  },
};
