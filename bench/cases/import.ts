import type { Page } from '@playwright/test';
import { join } from 'node:path';
import { clearData, type BenchCase, type Figure } from '../support';

/**
 * A ChatGPT data export of about 100 MB, built from the shape ChatGPT writes (the import unit
 * tests' fixture): conversations of 100 messages of 500 characters in a `mapping` tree, each
 * with the hidden system root, model slugs and times, so parsing and converting cost what a real
 * export costs.
 */
function chatGptExport(targetBytes: number): string {
  const words = 'the quick brown fox jumps over a lazy dog while 你好世界 rain falls softly ';
  const text = (seed: number) => (words.repeat(8) + String(seed)).slice(0, 500);
  const parts: string[] = [];
  let bytes = 2;
  for (let c = 0; bytes < targetBytes; c += 1) {
    const mapping: Record<string, unknown> = {
      root: { id: 'root', message: null, parent: null, children: ['m0'] },
    };
    for (let m = 0; m < 100; m += 1) {
      const id = `m${String(m)}`;
      const role = m % 2 === 0 ? 'user' : 'assistant';
      mapping[id] = {
        id,
        message: {
          id,
          author: { role, name: null, metadata: {} },
          create_time: 1714550400 + c * 1000 + m,
          update_time: null,
          content: { content_type: 'text', parts: [text(c * 100 + m)] },
          status: 'finished_successfully',
          end_turn: role === 'assistant',
          weight: 1,
          metadata:
            role === 'assistant' ? { model_slug: 'gpt-4o', finish_details: { type: 'stop' } } : {},
          recipient: 'all',
          channel: null,
        },
        parent: m === 0 ? 'root' : `m${String(m - 1)}`,
        children: m === 99 ? [] : [`m${String(m + 1)}`],
      };
    }
    const item = JSON.stringify({
      title: `Bench conversation ${String(c)}`,
      create_time: 1714550400 + c * 1000,
      update_time: 1714550400 + c * 1000 + 99,
      mapping,
      moderation_results: [],
      current_node: 'm99',
      conversation_id: `bench-${String(c)}`,
      default_model_slug: 'gpt-4o',
      id: `bench-${String(c)}`,
    });
    parts.push(item);
    bytes += Buffer.byteLength(item) + 1;
  }
  return `[${parts.join(',')}]`;
}

/**
 * Import of a 100 MB ChatGPT export through Settings → Import conversations, as a person does it:
 * choose the file, wait for the summary, Import. Reports the time from choosing to imported, the
 * peak JS heap of the page (the worker's own heap is not visible to `performance.memory`), and the
 * longest main-thread task meanwhile.
 */
async function benchImport(page: Page, record: (figure: Figure) => void): Promise<void> {
  await clearData(page);
  await page.reload();
  await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor();
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = join(mkdtempSync(join(tmpdir(), 'parley-bench-')), 'conversations.json');
  writeFileSync(path, chatGptExport(100 * 1024 * 1024));
  await page.evaluate(() => {
    const state = { longest: 0, peakHeap: 0, timer: 0 };
    (window as unknown as { importBench: typeof state }).importBench = state;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        state.longest = Math.max(state.longest, entry.duration);
    }).observe({ type: 'longtask' });
    const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    state.timer = window.setInterval(() => {
      state.peakHeap = Math.max(state.peakHeap, memory?.usedJSHeapSize ?? 0);
    }, 50);
  });
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const region = page.getByRole('region', { name: 'Storage', exact: true });
  const start = Date.now();
  await region.getByLabel('Import conversations', { exact: true }).setInputFiles(path);
  await region.getByRole('button', { name: 'Import', exact: true }).click({ timeout: 600_000 });
  await region.getByText(/^Imported\./).waitFor({ timeout: 600_000 });
  const seconds = (Date.now() - start) / 1000;
  const { longest, peakHeap } = await page.evaluate(() => {
    const state = (
      window as unknown as { importBench: { longest: number; peakHeap: number; timer: number } }
    ).importBench;
    clearInterval(state.timer);
    return state;
  });
  console.log(
    `  imported in ${seconds.toFixed(1)} s, peak page heap ${(peakHeap / 1024 ** 2).toFixed(0)} MB`,
  );
  record({
    name: 'import 100 MB ChatGPT export: time to imported',
    value: seconds,
    unit: 's',
    budget: Infinity,
    kind: 'max',
  });
  record({
    name: 'import 100 MB ChatGPT export: peak page JS heap',
    value: peakHeap / 1024 ** 2,
    unit: 'MB',
    budget: Infinity,
    kind: 'max',
  });
  record({
    name: 'import 100 MB ChatGPT export: longest main-thread task',
    value: longest,
    unit: 'ms',
    budget: 100,
    kind: 'max',
  });
  await page.getByRole('button', { name: 'Close', exact: true }).click();
}

export const importExport: BenchCase = {
  id: 'import',
  title: 'Importing a 100 MB ChatGPT export…',
  run: ({ page, record }) => benchImport(page, record),
};
