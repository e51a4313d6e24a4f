import type { Page } from '@playwright/test';
import type { BenchCase, Figure } from '../support';

/** Chinese words inside the Chinese sentences the seeded questions carry (support.ts `seed`). */
const CHINESE = ['长城', '数据库', '机器学习', '总结'];

/** Words of the short Markdown messages `seed` writes by default (200 × 100). */
export const SHORT_TEXT_QUERIES = [
  'Question 42',
  'answer',
  'conversation 7',
  'detailed',
  'list',
  'Answer 99',
  ...CHINESE,
];

/** Words of the sized messages `seed` writes with `chars` (2,000 × 100 × 500). */
export const SIZED_TEXT_QUERIES = [
  'Question 42',
  'answer',
  'conversation 7',
  'brown fox',
  'lazy',
  'Answer 99',
  ...CHINESE,
];

/**
 * From the last keystroke of a query to its first results in the list. The box is cleared first
 * (a frame apart), then the whole query arrives at once, as a paste or a fast typist's last key.
 */
export function searchLatency(page: Page, query: string): Promise<number> {
  return page.evaluate(async (text) => {
    const input = document.querySelector<HTMLInputElement>('nav input[type="search"]');
    if (!input) throw new Error('no search box');
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const start = performance.now();
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise<void>((resolve) => {
      const check = () => {
        const list = document.querySelector('[aria-label="Search results"]');
        if (list && list.getAttribute('aria-busy') !== 'true' && list.querySelector('mark')) {
          resolve();
        } else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - start;
  }, query);
}

/** Median and worst of 20 queries (the list of 10 twice), each beside `budget`. */
export async function benchQueries(
  page: Page,
  record: (figure: Figure) => void,
  label: string,
  queries: readonly string[],
  budget: number,
): Promise<void> {
  const samples: number[] = [];
  for (const query of [...queries, ...queries]) samples.push(await searchLatency(page, query));
  samples.sort((a, b) => a - b);
  const figure = (which: string, value: number) =>
    record({
      name: `${label}: last keystroke to first results (${which} of 20)`,
      value,
      unit: 'ms',
      budget,
      kind: 'max',
    });
  figure('median', samples[10] ?? 0);
  figure('worst', samples.at(-1) ?? 0);
  // The cases after this one measure the page without a search open.
  await page.evaluate(() => {
    const input = document.querySelector<HTMLInputElement>('nav input[type="search"]');
    if (!input) return;
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/**
 * Search on the history benchColdStart seeded (200 × 100). The first query also starts the
 * worker and builds the index (the plain scan answers meanwhile), so it is reported apart.
 */
async function benchSearch(page: Page, record: (figure: Figure) => void): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search conversations', exact: true }).waitFor();
  record({
    name: 'search, first query (worker start, index build)',
    value: await searchLatency(page, 'detailed'),
    unit: 'ms',
    budget: 5_000,
    kind: 'max',
  });
  await benchQueries(page, record, 'search 200 × 100', SHORT_TEXT_QUERIES, 100);
}

export const search: BenchCase = {
  id: 'search',
  title: 'Search on 200 conversations of 100 messages…',
  // Searches the history cold-start seeded.
  after: ['cold-start'],
  run: ({ page, record }) => benchSearch(page, record),
};
