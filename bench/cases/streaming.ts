/**
 * Streaming an 8,000-chunk Markdown reply at one chunk per 2 ms: frames per second while it
 * streams, the longest main-thread task, the time from the last byte to the whole text in the
 * DOM, and the share of the stream window the main thread was busy (CDP Performance.getMetrics
 * TaskDuration over the window's wall time: layout, paint and script alike).
 */
import { markdownCorpus } from '../../tests/support/scenarios';
import { SENTINEL, settle, type BenchCase, type BenchContext } from '../support';

export interface StreamBudgets {
  fps: number;
  busyShare: number;
}

export const STREAM_BUDGETS: StreamBudgets = { fps: 50, busyShare: 30 };

/**
 * Streams one reply into the open conversation of `context.page` and records its figures under
 * `label`. `withMath`: the variant whose reply also has TeX in every delimiter (and prices that
 * are not).
 */
export async function benchStreaming(
  { page, server, record }: BenchContext,
  label: string,
  withMath: boolean,
  budgets: StreamBudgets = STREAM_BUDGETS,
): Promise<void> {
  // Its own end marker, so one run never stops at an earlier reply's.
  const sentinel = `${SENTINEL}-${label.replace(/\W+/g, '-')}`;
  const text = `${markdownCorpus(40_000, withMath)}\n\n${sentinel}\n`;
  server.useStream({ text, chunks: 8_000, chunkDelayMs: 2 });
  await settle(page);
  await page.evaluate((sentinel) => {
    const bench = { frames: [] as number[], longTasks: [] as PerformanceEntry[], done: 0 };
    (window as unknown as { bench: typeof bench }).bench = bench;
    new PerformanceObserver((list) => bench.longTasks.push(...list.getEntries())).observe({
      type: 'longtask',
    });
    const frame = (time: number) => {
      bench.frames.push(time);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    // Look only at added nodes (the growing tail block), never the whole reply, so the observer
    // itself stays cheap.
    new MutationObserver((records) => {
      if (bench.done) return;
      for (const r of records) {
        for (const node of r.addedNodes) {
          if (node.textContent?.includes(sentinel)) bench.done = performance.now();
        }
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, sentinel);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  const metrics = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
    return { busy: value('TaskDuration'), at: value('Timestamp') };
  };
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('Stream the benchmark reply');
  const before = await metrics();
  await box.press('Enter');
  await page.waitForFunction(
    () => (window as unknown as { bench: { done: number } }).bench.done,
    null,
    { timeout: 120_000 },
  );
  const after = await metrics();
  await cdp.detach();
  const result = await page.evaluate(() => {
    const bench = (
      window as unknown as {
        bench: { frames: number[]; longTasks: PerformanceEntry[]; done: number };
      }
    ).bench;
    const entry = performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/chat/completions'))
      .at(-1) as PerformanceResourceTiming | undefined;
    // The API is another origin and sends no Timing-Allow-Origin (nor do real providers), so the
    // entry's responseStart is 0: the window starts when the request does. (Counting from 0
    // divided this stream's frames by the page's whole age: the longer a page had been open,
    // the fewer frames per second it seemed to draw.)
    const start = entry ? entry.responseStart || entry.startTime : 0;
    const end = entry?.responseEnd ?? 0;
    const frames = bench.frames.filter((t) => t >= start && t <= end).length;
    const tasks = bench.longTasks.filter(
      (t) => t.startTime + t.duration >= start && t.startTime <= bench.done,
    );
    return {
      fps: (frames / Math.max(1, end - start)) * 1000,
      longestTask: Math.max(0, ...tasks.map((t) => t.duration)),
      lag: bench.done - end,
      seconds: (end - start) / 1000,
    };
  });
  const busyShare = ((after.busy - before.busy) / Math.max(1e-9, after.at - before.at)) * 100;
  console.log(`  streamed for ${result.seconds.toFixed(1)} s`);
  record({
    name: `${label}: frames per second`,
    value: result.fps,
    unit: 'fps',
    budget: budgets.fps,
    kind: 'min',
  });
  record({
    name: `${label}: longest main-thread task`,
    value: result.longestTask,
    unit: 'ms',
    budget: 50,
    kind: 'max',
  });
  record({
    name: `${label}: last byte to whole text in DOM`,
    value: Math.max(0, result.lag),
    unit: 'ms',
    budget: 50,
    kind: 'max',
  });
  record({
    name: `${label}: main thread busy (share of the stream)`,
    value: busyShare,
    unit: '%',
    budget: budgets.busyShare,
    kind: 'max',
  });
}

export const streaming: BenchCase = {
  id: 'streaming',
  title: 'Streaming 8,000 chunks…',
  run: (context) => benchStreaming(context, 'streaming', false),
};

export const streamingMath: BenchCase = {
  id: 'streaming-math',
  title: 'Streaming 8,000 chunks with math…',
  run: (context) => benchStreaming(context, 'streaming with math', true),
};
