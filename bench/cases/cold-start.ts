/** Cold start with 200 conversations of 100 messages: navigation to ready to type. */
import type { Page } from '@playwright/test';
import { clearData, seed, type BenchCase, type Figure } from '../support';

async function benchColdStart(page: Page, record: (figure: Figure) => void): Promise<void> {
  await clearData(page);
  await seed(page, 200, 100);
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    await page.reload();
    await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor();
    await page.getByRole('article').last().waitFor();
    samples.push(
      await page.evaluate(async () => {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const ready = performance.getEntriesByName('parley:ready')[0]?.startTime;
        return ready ?? performance.now();
      }),
    );
  }
  samples.sort((a, b) => a - b);
  record({
    name: 'cold start, 200 × 100 messages stored: ready to type (median of 3)',
    value: samples[1] ?? 0,
    unit: 'ms',
    budget: 500,
    kind: 'max',
  });
}

export const coldStart: BenchCase = {
  id: 'cold-start',
  title: 'Cold start with 200 conversations of 100 messages…',
  run: ({ page, record }) => benchColdStart(page, record),
};
